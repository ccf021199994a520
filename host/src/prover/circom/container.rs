//! iden3's binary container (`.zkey`, `.wtns`, `.r1cs`): four magic bytes,
//! a u32 version, a u32 section count, then sections, each a u32 id and a
//! u64 size before its body; little-endian throughout. Sections may come
//! in any order (snarkjs writes a zkey's coefficients before its IC), so
//! the table is scanned first, seeking over bodies, and each body is read
//! once when its reader asks for it.

use super::CircomError;
use std::io::{Read, Seek, SeekFrom};

/// Which artifact a reader is reading (for messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Zkey,
    Wtns,
    R1cs,
}

impl FileKind {
    pub fn magic(self) -> &'static str {
        match self {
            FileKind::Zkey => "zkey",
            FileKind::Wtns => "wtns",
            FileKind::R1cs => "r1cs",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.magic())
    }
}

/// More sections than any snarkjs artifact has (a zkey has 10, PLONK's 14):
/// a larger count is corruption, refused before the table is read.
const MAX_SECTIONS: u32 = 64;

#[derive(Clone, Copy, Debug)]
struct Section {
    id: u32,
    offset: u64,
    size: u64,
}

/// An open container: its section table, and the reader to fetch bodies.
pub(crate) struct Container<R> {
    kind: FileKind,
    reader: R,
    sections: Vec<Section>,
}

impl<R: Read + Seek> Container<R> {
    /// Checks the magic and version and scans the section table (no body is
    /// read). Every section must lie inside the file.
    pub fn open(kind: FileKind, mut reader: R, max_version: u32) -> Result<Self, CircomError> {
        let io = |source| CircomError::Io { file: kind, source };
        let len = reader.seek(SeekFrom::End(0)).map_err(io)?;
        reader.seek(SeekFrom::Start(0)).map_err(io)?;
        if len < 12 {
            if len >= 4 {
                let mut magic = [0u8; 4];
                reader.read_exact(&mut magic).map_err(io)?;
                check_magic(kind, &magic)?;
            }
            return Err(CircomError::corrupted(kind, format!("{len} bytes, shorter than the 12-byte file header")));
        }
        let mut head = [0u8; 12];
        reader.read_exact(&mut head).map_err(io)?;
        check_magic(kind, &head[..4])?;
        let version = u32::from_le_bytes(head[4..8].try_into().expect("4 bytes"));
        if version == 0 || version > max_version {
            return Err(CircomError::UnsupportedVersion { file: kind, found: version, supported: max_version });
        }
        let count = u32::from_le_bytes(head[8..12].try_into().expect("4 bytes"));
        if count > MAX_SECTIONS {
            return Err(CircomError::corrupted(kind, format!("{count} sections in the header (at most {MAX_SECTIONS})")));
        }
        let mut sections = Vec::with_capacity(count as usize);
        let mut pos = 12u64;
        for i in 0..count {
            if len - pos < 12 {
                return Err(CircomError::corrupted(kind, format!("section {i} of {count} starts past the end of the file")));
            }
            let mut sh = [0u8; 12];
            reader.read_exact(&mut sh).map_err(io)?;
            let id = u32::from_le_bytes(sh[..4].try_into().expect("4 bytes"));
            let size = u64::from_le_bytes(sh[4..].try_into().expect("8 bytes"));
            pos += 12;
            if size > len - pos {
                return Err(CircomError::corrupted(
                    kind,
                    format!("section {id} claims {size} bytes, only {} remain in the file", len - pos),
                ));
            }
            sections.push(Section { id, offset: pos, size });
            pos += size;
            reader.seek(SeekFrom::Start(pos)).map_err(io)?;
        }
        Ok(Container { kind, reader, sections })
    }

    fn find(&self, id: u32, name: &'static str) -> Result<Section, CircomError> {
        let mut found = self.sections.iter().filter(|s| s.id == id);
        let first = *found.next().ok_or(CircomError::MissingSection { file: self.kind, id, name })?;
        let more = found.count();
        if more > 0 {
            return Err(CircomError::DuplicateSection { file: self.kind, id, count: more + 1 });
        }
        Ok(first)
    }

    /// The size of section `id`.
    pub fn size(&self, id: u32, name: &'static str) -> Result<u64, CircomError> {
        Ok(self.find(id, name)?.size)
    }

    /// Section `id`'s body, which must be exactly `expected` bytes when
    /// given (checked before the body is read or anything allocated).
    pub fn read(&mut self, id: u32, name: &'static str, expected: Option<u64>) -> Result<SectionBytes, CircomError> {
        let s = self.find(id, name)?;
        if let Some(expected) = expected {
            if s.size != expected {
                return Err(CircomError::SectionSize { file: self.kind, id, name, size: s.size, expected });
            }
        }
        let io = |source| CircomError::Io { file: self.kind, source };
        self.reader.seek(SeekFrom::Start(s.offset)).map_err(io)?;
        // The size was checked against the file's length at open.
        let mut bytes = vec![0u8; s.size as usize];
        self.reader.read_exact(&mut bytes).map_err(io)?;
        Ok(SectionBytes { kind: self.kind, name, bytes, pos: 0 })
    }
}

fn check_magic(kind: FileKind, found: &[u8]) -> Result<(), CircomError> {
    if found != kind.magic().as_bytes() {
        return Err(CircomError::WrongMagic {
            file: kind,
            found: String::from_utf8_lossy(found).escape_debug().to_string(),
            expected: kind.magic(),
        });
    }
    Ok(())
}

/// A section's body with a cursor; reading past its end is a typed error.
pub(crate) struct SectionBytes {
    kind: FileKind,
    name: &'static str,
    pub bytes: Vec<u8>,
    pos: usize,
}

impl SectionBytes {
    pub fn take(&mut self, n: usize) -> Result<&[u8], CircomError> {
        if self.bytes.len() - self.pos < n {
            return Err(CircomError::corrupted(self.kind, format!("section {} ends inside a field", self.name)));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub fn u32(&mut self) -> Result<u32, CircomError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }

    pub fn u64(&mut self) -> Result<u64, CircomError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// The rest of the body, from the cursor.
    pub fn rest(&self) -> &[u8] {
        &self.bytes[self.pos..]
    }

    /// The whole body must have been read.
    pub fn finish(&self) -> Result<(), CircomError> {
        if self.remaining() != 0 {
            return Err(CircomError::corrupted(
                self.kind,
                format!("section {} has {} bytes after its last field", self.name, self.remaining()),
            ));
        }
        Ok(())
    }
}
