//! Times SQL statements against a database: `sqltime DB 'SQL' ['SQL' ...]` (development aid).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let conn = rusqlite::Connection::open(&args[1]).unwrap();
    for sql in &args[2..] {
        let mut st = conn.prepare(sql).unwrap();
        let mut n = 0;
        for _ in 0..3 {
            n = st.query_map([], |_| Ok(())).unwrap().count();
        }
        let t = std::time::Instant::now();
        for _ in 0..20 {
            n = st.query_map([], |_| Ok(())).unwrap().count();
        }
        println!("{:>9.3} ms  {n:>6} rows  {sql}", t.elapsed().as_secs_f64() * 1000.0 / 20.0);
    }
}
