#[allow(clippy::disallowed_macros)] // the one line when the runtime cannot start
fn main() {
    copilot_seats::install_panic_hook();
    let code = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(copilot_seats::run(std::env::args_os())),
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            1
        }
    };
    std::process::exit(code);
}
