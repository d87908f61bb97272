fn main() {
    let id: phonenumber::country::Id = "GB".parse().unwrap();
    let n = phonenumber::parse(Some(id), "07911 123456").unwrap();
    println!("{:?} code={} national={} len={}", n, n.code().value(), n.national(), n.national().to_string().len());
    let metas = phonenumber::metadata::DATABASE.by_code(&44).unwrap();
    for m in metas { println!("{} {:?}", m.id(), m.descriptors().general().possible_length()); }
    println!("{:?}", frontdesk_core::validate::parse_phone("phone", "07911 123456", "GB"));
}
