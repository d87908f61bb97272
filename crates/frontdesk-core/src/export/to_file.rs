//! Writing an export to a file safely: into a temporary file beside it, renamed over it at the
//! end, so a failed export never leaves a half-written file where a good one was.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{export, Format};
use crate::error::{CoreError, CoreResult};
use crate::store::Store;

/// Writes the export to a temporary file in the folder of `path`, then renames it over `path`
/// (through a symbolic link, onto what it points at): a failed or interrupted export leaves an
/// existing file as it was. Never onto the database or its companion files; a device or pipe
/// (`/dev/stdout`) is written directly.
pub fn export_to_file(store: &Store, format: Format, path: &Path) -> CoreResult<u64> {
    to_file(store, path, &|w| export(store, format, w))
}

/// [`export_to_file`] for the customers the directory lists with `filter` (a segment).
pub fn export_matching_to_file(
    store: &Store,
    filter: &crate::search::SearchFilter,
    format: Format,
    path: &Path,
) -> CoreResult<u64> {
    // Checked before a file is touched.
    store.read(|r| r.filter_where(filter).map(drop))?;
    to_file(store, path, &|w| super::export_matching(store, filter, format, w))
}

fn to_file(store: &Store, path: &Path, export: &dyn Fn(&mut dyn Write) -> CoreResult<u64>) -> CoreResult<u64> {
    let file_error = |code: &str, message: String| CoreError::File {
        path: path.display().to_string(),
        line: None,
        code: code.into(),
        message,
    };
    let target = resolve(path);
    let db = resolve(store.path());
    for suffix in ["", "-wal", "-shm", "-journal", ".import-lock"] {
        let mut companion = db.clone().into_os_string();
        companion.push(suffix);
        if target.as_os_str() == companion {
            return Err(file_error(
                "is_database",
                format!(
                    "{} is the desk's database{}; export to another file, e.g. --out customers.csv.",
                    path.display(),
                    if suffix.is_empty() { "" } else { " file" }
                ),
            ));
        }
    }
    let unwritable =
        |e: &dyn std::fmt::Display| file_error("unwritable", format!("Cannot write {}: {e}", path.display()));
    match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => {
            return Err(file_error(
                "is_directory",
                format!(
                    "{} is a folder; give a file name, e.g. --out {}/customers.csv.",
                    path.display(),
                    path.display()
                ),
            ))
        }
        Ok(m) if !m.is_file() => {
            let f = std::fs::OpenOptions::new().write(true).open(&target).map_err(|e| unwritable(&e))?;
            let mut w = std::io::BufWriter::new(f);
            let n = export(&mut w)?;
            w.flush().map_err(|e| unwritable(&e))?;
            return Ok(n);
        }
        _ => {}
    }
    let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(file_error(
            "no_folder",
            format!("The folder {} does not exist; create it first or export to another folder.", folder.display()),
        ));
    }
    let mut tmp =
        tempfile::Builder::new().prefix(".frontdesk-export-").tempfile_in(folder).map_err(|e| unwritable(&e))?;
    let mut w = std::io::BufWriter::new(tmp.as_file_mut());
    let n = export(&mut w)?;
    w.flush().map_err(|e| unwritable(&e))?;
    drop(w);
    tmp.as_file().sync_all().map_err(|e| unwritable(&e))?;
    tmp.persist(&target).map_err(|e| unwritable(&e.error))?;
    Ok(n)
}

/// `path` made absolute with its folder's links resolved (the file itself may not exist yet).
fn resolve(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match (parent.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}
