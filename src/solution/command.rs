//! `duet solution build`: read the definition, build every artifact, write them and print the manifest.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use super::{Artifacts, appsource, artifacts, zipper};
use crate::cli::{BuildArgs, PackageArgs};

/// Builds the solution artifacts into `args.out` and prints the manifest on stdout.
pub fn build(args: &BuildArgs) -> anyhow::Result<()> {
    let built = artifacts(args.definition.as_deref())?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut manifest = String::new();
    for (name, bytes) in outputs(&built, args) {
        write_file(&args.out.join(name), bytes)?;
        manifest.push_str(&manifest_lines(name, bytes)?);
    }
    if let Some(dir) = &args.unpacked {
        for (path, bytes) in &built.unpacked {
            write_file(&dir.join(path), bytes)?;
        }
        let _ = writeln!(
            manifest,
            "unpacked: {} files in {}",
            built.unpacked.len(),
            dir.display()
        );
    }
    print!("{manifest}");
    Ok(())
}

/// Builds `package/` and `appsource/` into `args.out`; with `--package-zip`, checks it and
/// writes the flat AppSource zip. Prints a sha256 per file and what to do next.
pub fn package(args: &PackageArgs) -> anyhow::Result<()> {
    let built = artifacts(args.definition.as_deref())?;
    let definition = super::definition::load(args.definition.as_deref())?;
    let files = appsource::package_files(&definition, &built).context("writing the package")?;
    let mut manifest = String::new();
    for (path, bytes) in &files {
        write_file(&args.out.join(path), bytes)?;
        let _ = writeln!(manifest, "{}  {path}", zipper::sha256_hex(bytes));
    }
    let Some(package_zip) = &args.package_zip else {
        print!("{manifest}");
        println!(
            "next: build package.zip from {} with Microsoft's tooling (README: The AppSource package), then run this again with --package-zip",
            args.out.join("package").display()
        );
        return Ok(());
    };
    let bytes =
        std::fs::read(package_zip).with_context(|| format!("reading {}", package_zip.display()))?;
    let problems = appsource::check_package_zip(&bytes);
    if !problems.is_empty() {
        anyhow::bail!(
            "{} cannot go to AppSource:\n- {}",
            package_zip.display(),
            problems.join("\n- ")
        );
    }
    let name = format!(
        "{}_{}_AppSource.zip",
        definition.publisher.unique_name, definition.solution.unique_name
    );
    let bundle = appsource::bundle(&files, &bytes)?;
    write_file(&args.out.join(&name), &bundle)?;
    let _ = writeln!(manifest, "{}  {name}", zipper::sha256_hex(&bundle));
    print!("{manifest}");
    println!("upload {name} to Partner Center (Dynamics 365 apps on Dataverse and Power Apps)");
    Ok(())
}

/// The (file name, bytes) pairs `args` asks for: the zips (both unless one flag is given), records.json, data.zip.
fn outputs<'a>(built: &'a Artifacts, args: &BuildArgs) -> Vec<(&'a str, &'a [u8])> {
    let mut files = Vec::new();
    if !args.unmanaged {
        files.push((
            built.managed_zip_name.as_str(),
            built.managed_zip.as_slice(),
        ));
    }
    if !args.managed {
        files.push((
            built.unmanaged_zip_name.as_str(),
            built.unmanaged_zip.as_slice(),
        ));
    }
    files.push(("records.json", built.records_json.as_slice()));
    files.push(("data.zip", built.data_zip.as_slice()));
    files
}

/// `<sha256>  <name>`, then for a zip one indented line per entry.
fn manifest_lines(name: &str, bytes: &[u8]) -> anyhow::Result<String> {
    let mut lines = format!("{}  {name}\n", zipper::sha256_hex(bytes));
    if name.ends_with(".zip") {
        for (entry, content) in
            zipper::entries(bytes).with_context(|| format!("reading back {name}"))?
        {
            let _ = writeln!(lines, "    {}  {entry}", zipper::sha256_hex(&content));
        }
    }
    Ok(lines)
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}
