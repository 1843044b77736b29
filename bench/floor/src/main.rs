//! The I/O floor of a kbgen build, for `bench/run.sh`.
//!
//! `kbgen-bench-floor SITE MANIFEST OUT` does the least any generator must do: it
//! lists and reads every file under `SITE`, then writes under `OUT` (a new
//! folder) the same files as a real build, with the same paths and sizes, as
//! listed in `MANIFEST` (`SIZE<TAB>PATH` lines, paths relative to the output
//! root, sorted). Written bytes are taken from the inputs. No parsing, no
//! rendering. Both phases use one thread per core, like kbgen; time the whole
//! process from outside (`/usr/bin/time -v`).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Bytes of input kept as the content that outputs are cut from.
const PATTERN: usize = 1 << 20;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [site, manifest, out] = args.as_slice() else {
        eprintln!("usage: kbgen-bench-floor SITE MANIFEST OUT");
        std::process::exit(2);
    };
    if let Err(e) = run(Path::new(site), Path::new(manifest), Path::new(out)) {
        eprintln!("kbgen-bench-floor: {e}");
        std::process::exit(1);
    }
}

fn run(site: &Path, manifest: &Path, out: &Path) -> Result<(), String> {
    if out.exists() {
        return Err(format!("{} exists; give a new folder", out.display()));
    }
    let outputs = read_manifest(manifest)?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());

    // Read: list every input file, then read them all, one share per thread.
    let mut inputs = Vec::new();
    list_files(site, &mut inputs).map_err(|e| format!("{}: {e}", site.display()))?;
    inputs.sort();
    let read: Vec<Result<(u64, Vec<u8>), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let inputs = &inputs;
                s.spawn(move || read_share(inputs, t, threads))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a reader panicked".into())))
            .collect()
    });
    let mut read_bytes = 0;
    let mut pattern = Vec::with_capacity(PATTERN);
    for r in read {
        let (n, sample) = r?;
        read_bytes += n;
        pattern.extend_from_slice(&sample);
    }
    if pattern.is_empty() {
        pattern.push(b'\n');
    }

    // Write: contiguous shares (files of one folder stay together), folders as needed.
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let share = outputs.len().div_ceil(threads).max(1);
    let written: Vec<Result<u64, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = outputs
            .chunks(share)
            .map(|chunk| {
                let pattern = &pattern;
                s.spawn(move || write_share(out, chunk, pattern))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a writer panicked".into())))
            .collect()
    });
    let mut written_bytes = 0;
    for w in written {
        written_bytes += w?;
    }
    eprintln!(
        "floor: read {} files ({read_bytes} bytes), wrote {} files ({written_bytes} bytes), {threads} threads",
        inputs.len(),
        outputs.len()
    );
    Ok(())
}

fn read_manifest(path: &Path) -> Result<Vec<(u64, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (size, rel) = l
                .split_once('\t')
                .ok_or_else(|| format!("manifest line without a tab: {l:?}"))?;
            let size = size
                .parse()
                .map_err(|_| format!("manifest line with a bad size: {l:?}"))?;
            if rel.is_empty() || rel.starts_with('/') || rel.split('/').any(|c| c == "..") {
                return Err(format!("manifest path must be relative: {l:?}"));
            }
            Ok((size, rel.to_owned()))
        })
        .collect()
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for item in std::fs::read_dir(dir)? {
        let item = item?;
        let kind = item.file_type()?;
        if kind.is_dir() {
            list_files(&item.path(), out)?;
        } else if kind.is_file() {
            out.push(item.path());
        }
    }
    Ok(())
}

/// Reads every `threads`-th input from `t`; returns the bytes read and a sample of them.
fn read_share(inputs: &[PathBuf], t: usize, threads: usize) -> Result<(u64, Vec<u8>), String> {
    let mut total = 0u64;
    let mut sample = Vec::new();
    for path in inputs.iter().skip(t).step_by(threads) {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        total += bytes.len() as u64;
        if sample.len() < PATTERN / threads {
            let room = PATTERN / threads - sample.len();
            sample.extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
    }
    Ok((total, sample))
}

/// Writes `files` (sorted by path) under `out`, creating each folder once.
fn write_share(out: &Path, files: &[(u64, String)], pattern: &[u8]) -> Result<u64, String> {
    let mut total = 0u64;
    let mut made: Option<&str> = None;
    for (size, rel) in files {
        let parent = rel.rsplit_once('/').map(|(p, _)| p);
        if let Some(p) = parent
            && made != Some(p)
        {
            std::fs::create_dir_all(out.join(p)).map_err(|e| format!("{p}: {e}"))?;
            made = Some(p);
        }
        let path = out.join(rel);
        let mut f = std::fs::File::create(&path).map_err(|e| format!("{rel}: {e}"))?;
        let mut left = *size as usize;
        while left > 0 {
            let n = left.min(pattern.len());
            f.write_all(&pattern[..n])
                .map_err(|e| format!("{rel}: {e}"))?;
            left -= n;
        }
        total += size;
    }
    Ok(total)
}
