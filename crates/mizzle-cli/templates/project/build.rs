fn main() {
    mizzle_build::build()
}
