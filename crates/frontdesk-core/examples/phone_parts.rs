use std::time::Instant;
fn main() {
    let _ = frontdesk_core::validate::parse_phone("phone", "07911 123456", "GB");
    let id: phonenumber::country::Id = "GB".parse().unwrap();
    let nums: Vec<String> = (0..2000u64).map(|i| format!("07{}{:08}", 4 + i % 5, i * 7919 % 100_000_000)).collect();
    let t = Instant::now();
    let parsed: Vec<_> = nums.iter().filter_map(|n| phonenumber::parse(Some(id), n).ok()).collect();
    println!("parse {:?}", t.elapsed() / 2000);
    let t = Instant::now();
    let v = parsed.iter().filter(|n| phonenumber::is_valid(n)).count();
    println!("is_valid {:?} ({v})", t.elapsed() / 2000);
    let t = Instant::now();
    for n in &parsed { std::hint::black_box(n.format().mode(phonenumber::Mode::E164).to_string()); }
    println!("e164 {:?}", t.elapsed() / 2000);
    let t = Instant::now();
    for n in &parsed { std::hint::black_box(n.format().mode(phonenumber::Mode::International).to_string()); }
    println!("intl {:?}", t.elapsed() / 2000);
}
