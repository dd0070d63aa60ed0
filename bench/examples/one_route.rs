fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = &args[1];
    let which = &args[2];
    let n: usize = args[3].parse().unwrap();
    let db = mizzle_bench::seeded();
    let r = mizzle_bench::routes()
        .into_iter()
        .find(|r| r.name == *name)
        .unwrap();
    let f = if which == "mizzle" { r.mizzle } else { r.hand };
    let mut t = 0;
    for i in 0..n {
        t += f(&db, i);
    }
    println!("{t}");
}
