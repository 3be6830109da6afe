//! Where a key file's bytes come from while it decodes: a slice already in memory, or a file
//! streamed in chunks that another thread reads and hashes.
//!
//! Streaming keeps a key load from holding the file's bytes and the decoded key side by
//! side (a 511 MiB iris key peaked at twice its size), and overlaps reading, hashing and
//! decoding: the reader thread hashes each chunk as it arrives while the decoder turns the
//! previous one into points on the rayon pool.
//!
//! Decoders read through [`ByteSource`]: sections are borrowed straight from the slice or
//! the current chunk, and copied only where they straddle two chunks.

use std::fs::File;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError};

use crate::error::{ProverError, Result};
use crate::keys::hex;

/// Bytes the reader thread reads at a time.
pub(crate) const CHUNK: usize = 4 << 20;
/// Chunks in flight between the reader and the decoder (and recycled between them).
pub(crate) const CHUNKS_IN_FLIGHT: usize = 3;
/// Most memory a streamed load holds besides the decoded key: the chunks in flight, the
/// one being read, the one being decoded and a copy of one straddling a boundary.
pub const STREAM_BYTES: u64 = ((CHUNKS_IN_FLIGHT + 3) * CHUNK) as u64;

/// Bytes of the BLAKE3 trailer that ends every key file.
const DIGEST_LEN: usize = 32;

/// The input a key file decodes from.
pub trait ByteSource {
    /// The next `n` bytes, or `None` if fewer are left.
    fn take(&mut self, n: usize) -> Result<Option<&[u8]>>;
    /// How many of the next bytes [`ByteSource::take`] can lend without copying (fetching
    /// the next chunk if none is buffered); 0 only at the end.
    fn contiguous(&mut self) -> Result<usize>;
    /// Bytes left.
    fn remaining(&self) -> u64;
}

/// A key file already in memory.
pub(crate) struct SliceSource<'a> {
    rest: &'a [u8],
}

impl<'a> SliceSource<'a> {
    /// Reads `bytes` from the start.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }
}

impl ByteSource for SliceSource<'_> {
    fn take(&mut self, n: usize) -> Result<Option<&[u8]>> {
        if n > self.rest.len() {
            return Ok(None);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(Some(head))
    }
    fn contiguous(&mut self) -> Result<usize> {
        Ok(self.rest.len())
    }
    fn remaining(&self) -> u64 {
        self.rest.len() as u64
    }
}

/// At most `left` bytes of another source: a key file's payload, whose length its header
/// declares.
pub struct Limited<'s> {
    inner: &'s mut dyn ByteSource,
    left: u64,
}

impl<'s> Limited<'s> {
    /// The next `len` bytes of `inner` (the caller has checked that `inner` holds them).
    pub(crate) fn new(inner: &'s mut dyn ByteSource, len: u64) -> Self {
        Self { inner, left: len }
    }
}

impl ByteSource for Limited<'_> {
    fn take(&mut self, n: usize) -> Result<Option<&[u8]>> {
        if n as u64 > self.left {
            return Ok(None);
        }
        let bytes = self.inner.take(n)?;
        if bytes.is_some() {
            self.left -= n as u64;
        }
        Ok(bytes)
    }
    fn contiguous(&mut self) -> Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let c = self.inner.contiguous()?;
        Ok(usize::try_from(self.left).map_or(c, |l| l.min(c)))
    }
    fn remaining(&self) -> u64 {
        self.left
    }
}

/// `std::io::Read` over a source, for arkworks' deserializers.
pub struct SourceReader<'s, 'a>(pub(crate) &'s mut Limited<'a>);

impl Read for SourceReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0.contiguous().map_err(std::io::Error::other)?);
        if n == 0 {
            return Ok(0);
        }
        match self.0.take(n).map_err(std::io::Error::other)? {
            Some(bytes) => {
                buf[..n].copy_from_slice(bytes);
                Ok(n)
            }
            None => Ok(0),
        }
    }
}

/// The BLAKE3 checks of a key file, fed its bytes in order: the trailer must be the digest
/// of everything before it, and a pinned digest that of the whole file.
pub(crate) struct Digester {
    ctx: blake3::Hasher,
    /// Offset of the trailer in the file.
    trailer_at: u64,
    seen: u64,
    trailer: [u8; DIGEST_LEN],
}

impl Digester {
    /// For a file of `len` bytes.
    pub(crate) fn new(len: u64) -> Self {
        Self {
            ctx: blake3::Hasher::new(),
            trailer_at: len.saturating_sub(DIGEST_LEN as u64),
            seen: 0,
            trailer: [0; 32],
        }
    }

    /// The next bytes of the file.
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let hashed =
            usize::try_from(self.trailer_at.saturating_sub(self.seen)).map_or(bytes.len(), |h| h.min(bytes.len()));
        self.ctx.update(&bytes[..hashed]);
        for (i, &b) in bytes[hashed..].iter().enumerate() {
            let at = self.seen + (hashed + i) as u64 - self.trailer_at;
            if let Some(slot) = usize::try_from(at).ok().and_then(|at| self.trailer.get_mut(at)) {
                *slot = b;
            }
        }
        self.seen += bytes.len() as u64;
    }

    /// Checks the trailer, then the pinned digest of the whole file if there is one.
    pub(crate) fn finish(self, pin: Option<&[u8; 32]>) -> Result<()> {
        let Self { mut ctx, trailer, .. } = self;
        if ctx.finalize().as_bytes() != &trailer {
            return Err(ProverError::KeyDigestMismatch);
        }
        if let Some(expected) = pin {
            ctx.update(&trailer);
            let whole = ctx.finalize();
            if whole.as_bytes() != expected {
                return Err(ProverError::KeyPinMismatch { expected: hex(expected), found: hex(whole.as_bytes()) });
            }
        }
        Ok(())
    }
}

/// The reader thread's side: reads `len` bytes of `file` in `chunk`-byte pieces ([`CHUNK`]), hashes them and
/// hands them to the decoder. It reads to the end even after the decoder has gone (so a
/// digest failure can win over a decoding error), unless `stop` is raised (the header
/// was refused: the digest no longer matters).
pub(crate) fn read_and_hash(
    mut file: File,
    len: u64,
    chunk: usize,
    chunks: SyncSender<std::io::Result<Vec<u8>>>,
    recycled: Receiver<Vec<u8>>,
    stop: &AtomicBool,
) -> Result<Digester> {
    let mut digester = Digester::new(len);
    let mut left = len;
    let mut decoder_gone = false;
    while left > 0 && !stop.load(Ordering::Relaxed) {
        let n = usize::try_from(left).map_or(chunk, |l| l.min(chunk.max(1)));
        let mut buf = match recycled.try_recv() {
            Ok(buf) => buf,
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => Vec::with_capacity(n),
        };
        buf.resize(n, 0);
        if let Err(e) = file.read_exact(&mut buf) {
            // The decoder sees the error where its bytes stop; the caller reports it too.
            let kind = e.kind();
            if !decoder_gone {
                let _ = chunks.send(Err(std::io::Error::new(kind, e.to_string())));
            }
            return Err(ProverError::Io(e));
        }
        digester.update(&buf);
        if !decoder_gone && chunks.send(Ok(buf)).is_err() {
            decoder_gone = true;
        }
        left -= n as u64;
    }
    Ok(digester)
}

/// The decoder's side of a streamed file.
pub(crate) struct StreamSource {
    chunks: Receiver<std::io::Result<Vec<u8>>>,
    recycle: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
    scratch: Vec<u8>,
    remaining: u64,
}

impl StreamSource {
    /// Reads the `len` bytes `chunks` delivers, returning spent buffers to `recycle`.
    pub(crate) fn new(chunks: Receiver<std::io::Result<Vec<u8>>>, recycle: SyncSender<Vec<u8>>, len: u64) -> Self {
        Self { chunks, recycle, current: Vec::new(), at: 0, scratch: Vec::new(), remaining: len }
    }

    /// Makes the next chunk current once the current one is spent.
    fn refill(&mut self) -> Result<()> {
        if self.at < self.current.len() || self.remaining == 0 {
            return Ok(());
        }
        let next = match self.chunks.recv() {
            Ok(chunk) => chunk?,
            Err(_) => return Err(ProverError::Io(std::io::ErrorKind::UnexpectedEof.into())),
        };
        let spent = std::mem::replace(&mut self.current, next);
        let _ = self.recycle.try_send(spent);
        self.at = 0;
        Ok(())
    }
}

impl ByteSource for StreamSource {
    fn take(&mut self, n: usize) -> Result<Option<&[u8]>> {
        if n as u64 > self.remaining {
            return Ok(None);
        }
        self.refill()?;
        if self.current.len() - self.at >= n {
            let start = self.at;
            self.at += n;
            self.remaining -= n as u64;
            return Ok(Some(&self.current[start..start + n]));
        }
        self.scratch.clear();
        while self.scratch.len() < n {
            self.refill()?;
            let piece = (n - self.scratch.len()).min(self.current.len() - self.at);
            if piece == 0 {
                return Err(ProverError::Io(std::io::ErrorKind::UnexpectedEof.into()));
            }
            self.scratch.extend_from_slice(&self.current[self.at..self.at + piece]);
            self.at += piece;
            self.remaining -= piece as u64;
        }
        Ok(Some(&self.scratch))
    }
    fn contiguous(&mut self) -> Result<usize> {
        self.refill()?;
        Ok(self.current.len() - self.at)
    }
    fn remaining(&self) -> u64 {
        self.remaining
    }
}
