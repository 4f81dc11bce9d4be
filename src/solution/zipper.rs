//! Deterministic zips: sorted entries, forward slashes, DEFLATE, a fixed 1980-01-01 timestamp; and reading entries back.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use anyhow::Context;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Zips `files` (entry name → bytes) in name order; the same input always gives the same bytes.
pub fn zip(files: &BTreeMap<String, Vec<u8>>) -> anyhow::Result<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        let name = name.replace('\\', "/");
        writer
            .start_file(name.as_str(), options)
            .with_context(|| format!("adding {name} to the zip"))?;
        writer
            .write_all(bytes)
            .with_context(|| format!("writing {name} into the zip"))?;
    }
    Ok(writer.finish().context("finishing the zip")?.into_inner())
}

/// Every entry of `zip` as (name, bytes), in archive order.
pub fn entries(zip: &[u8]) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut archive = ZipArchive::new(Cursor::new(zip)).context("reading the zip")?;
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index(index).context("reading a zip entry")?;
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .context("unzipping an entry")?;
            Ok((entry.name().to_owned(), bytes))
        })
        .collect()
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
