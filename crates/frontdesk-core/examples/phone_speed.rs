fn main() {
    let t = std::time::Instant::now();
    let _ = frontdesk_core::validate::parse_phone("phone", "07911 123456", "GB");
    println!("first: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let mut n = 0;
    for i in 0..2000u64 {
        let raw = format!("07{}{:08}", 4 + i % 5, i * 7919 % 100_000_000);
        if frontdesk_core::validate::parse_phone("phone", &raw, "GB").is_ok() { n += 1; }
    }
    println!("parse: {:?} per call ({n} ok)", t.elapsed() / 2000);
    let t = std::time::Instant::now();
    for _ in 0..2000 { std::hint::black_box(frontdesk_core::normalize::phone_keys("+447700900123")); }
    println!("phone_keys: {:?} per call", t.elapsed() / 2000);
    let t = std::time::Instant::now();
    for _ in 0..2000 { std::hint::black_box(frontdesk_core::validate::check_email("email", "john.smith12@gmail.com")).ok(); }
    println!("email: {:?} per call", t.elapsed() / 2000);
}
