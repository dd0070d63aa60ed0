//! One benchmark route, N times, for an instruction count:
//! `valgrind --tool=callgrind target/release/examples/one_route ROUTE mizzle|hand N`.
//! Run it with N = 0 too: the difference is the route's own cost (seeding subtracted).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, name, which, n] = args.as_slice() else {
        eprintln!("usage: one_route ROUTE mizzle|hand N (routes: see mizzle_bench::routes)");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a number");
    let db = mizzle_bench::seeded();
    let route = mizzle_bench::routes()
        .into_iter()
        .find(|r| r.name == name.as_str())
        .unwrap_or_else(|| panic!("no route `{name}`"));
    let f = if which == "mizzle" {
        route.mizzle
    } else {
        route.hand
    };
    let mut bytes = 0;
    for i in 0..n {
        bytes += f(&db, i);
    }
    println!("{bytes}");
}
