//! `duet solution build`: read the definition, build every artifact, write them and print the manifest.

use crate::cli::BuildArgs;

/// Builds the solution artifacts into `args.out`.
pub fn build(_args: &BuildArgs) -> anyhow::Result<()> {
    anyhow::bail!("duet solution build is being written")
}
