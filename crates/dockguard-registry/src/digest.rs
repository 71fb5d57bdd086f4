//! Content digests (`sha256:…`, `sha512:…`) and a reader that verifies one while streaming.

use std::fmt;
use std::io::{self, Read};

use sha2::{Digest as _, Sha256, Sha512};

/// A digest algorithm of the OCI image spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

/// A validated digest: a known algorithm and lowercase hex of the right length, so that it is
/// safe to put in a URL path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: Algorithm,
    hex: String,
}

impl Digest {
    /// Parses `algorithm:hex`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Digest, String> {
        let (algorithm, hex) = text
            .split_once(':')
            .ok_or_else(|| format!("bad digest {text:?}: expected algorithm:hex"))?;
        let algorithm = match algorithm {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            other => return Err(format!("unsupported digest algorithm {other:?}")),
        };
        let well_formed = hex.len() == algorithm.hex_len()
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !well_formed {
            return Err(format!(
                "bad digest {text:?}: expected {} lowercase hex digits",
                algorithm.hex_len()
            ));
        }
        Ok(Digest {
            algorithm,
            hex: hex.to_string(),
        })
    }

    /// The digest of `bytes` with `algorithm`.
    pub fn of(algorithm: Algorithm, bytes: &[u8]) -> Digest {
        let mut hasher = Hasher::new(algorithm);
        hasher.update(bytes);
        hasher.finish()
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The hex part, without the algorithm.
    pub fn hex(&self) -> &str {
        &self.hex
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.hex)
    }
}

/// An incremental hash of either algorithm.
enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    fn new(algorithm: Algorithm) -> Hasher {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(Sha512::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    fn finish(self) -> Digest {
        let (algorithm, raw) = match self {
            Hasher::Sha256(h) => (Algorithm::Sha256, h.finalize().to_vec()),
            Hasher::Sha512(h) => (Algorithm::Sha512, h.finalize().to_vec()),
        };
        let hex = raw.iter().map(|b| format!("{b:02x}")).collect();
        Digest { algorithm, hex }
    }
}

/// Passes a blob through while hashing it; at the end of the stream it fails with
/// `InvalidData` unless the bytes have the expected digest and size, and it fails as soon as
/// more bytes than the expected size arrive. Only a reader that reads to the end gets the
/// verdict.
pub struct VerifyingReader<R> {
    inner: R,
    hasher: Option<Hasher>,
    expected: Digest,
    expected_size: u64,
    seen: u64,
}

impl<R: Read> VerifyingReader<R> {
    pub fn new(inner: R, expected: Digest, expected_size: u64) -> Self {
        VerifyingReader {
            inner,
            hasher: Some(Hasher::new(expected.algorithm)),
            expected,
            expected_size,
            seen: 0,
        }
    }
}

/// Why a streamed blob was rejected; carried inside the `io::Error` of
/// [`VerifyingReader`] (find it with `io::Error::get_ref` and `downcast_ref`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobError {
    #[error("digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch { expected: Digest, actual: Digest },
    #[error("blob {digest} ended after {seen} of {size} bytes")]
    Truncated {
        digest: Digest,
        seen: u64,
        size: u64,
    },
    #[error("blob {digest} is longer than its {size} bytes")]
    TooLong { digest: Digest, size: u64 },
}

impl From<BlobError> for io::Error {
    fn from(e: BlobError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, e)
    }
}

impl<R: Read> Read for VerifyingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let Some(hasher) = self.hasher.as_mut() else {
            return Ok(n); // judged already
        };
        if n == 0 {
            let hasher = self.hasher.take().expect("checked above");
            if self.seen != self.expected_size {
                return Err(BlobError::Truncated {
                    digest: self.expected.clone(),
                    seen: self.seen,
                    size: self.expected_size,
                }
                .into());
            }
            let actual = hasher.finish();
            if actual != self.expected {
                return Err(BlobError::DigestMismatch {
                    expected: self.expected.clone(),
                    actual,
                }
                .into());
            }
            return Ok(0);
        }
        self.seen += n as u64;
        if self.seen > self.expected_size {
            self.hasher = None;
            return Err(BlobError::TooLong {
                digest: self.expected.clone(),
                size: self.expected_size,
            }
            .into());
        }
        hasher.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str =
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn parses_and_computes() {
        assert_eq!(Digest::of(Algorithm::Sha256, b"").to_string(), EMPTY_SHA256);
        assert_eq!(Digest::parse(EMPTY_SHA256).unwrap().hex().len(), 64);
        let sha512 = Digest::of(Algorithm::Sha512, b"abc");
        assert_eq!(Digest::parse(&sha512.to_string()).unwrap(), sha512);
        assert!(sha512.hex().starts_with("ddaf35a193617aba"));
        for bad in [
            "sha256",
            "md5:abc",
            "sha256:ABC",
            "sha256:e3b0",
            "sha256:../../etc/passwd",
        ] {
            assert!(Digest::parse(bad).is_err(), "{bad}");
        }
    }

    fn read_all(data: &[u8], digest: Digest, size: u64) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        VerifyingReader::new(data, digest, size).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn verifying_reader_checks_digest_and_size() {
        let data = b"layer bytes".repeat(1000);
        let digest = Digest::of(Algorithm::Sha256, &data);
        let len = data.len() as u64;
        assert_eq!(read_all(&data, digest.clone(), len).unwrap(), data);

        let mut tampered = data.clone();
        tampered[500] ^= 1;
        let err = read_all(&tampered, digest.clone(), len).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("digest mismatch"), "{err}");
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<BlobError>());
        assert!(
            matches!(inner, Some(BlobError::DigestMismatch { expected, .. }) if *expected == digest),
            "{inner:?}"
        );

        let err = read_all(&data[..100], digest.clone(), len).unwrap_err();
        assert!(err.to_string().contains("ended after 100"), "{err}");

        let err = read_all(&data, digest, len - 1).unwrap_err();
        assert!(err.to_string().contains("longer than"), "{err}");
    }
}
