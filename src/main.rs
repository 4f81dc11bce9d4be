//! The `duet` command: parse the command line, start tracing, hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    if let Err(error) = duet::telemetry::init() {
        eprintln!("error: {error:#}");
        return std::process::ExitCode::FAILURE;
    }
    let cli = duet::cli::Cli::parse();
    match duet::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
