//! Bad snarkjs artifacts get a typed error before any work: every
//! truncation of a real zkey, witness and r1cs, wrong magic and versions,
//! foreign primes, a PLONK key, points off the curve or outside G2's
//! subgroup, values not below the modulus, size fields far beyond the
//! file, and witnesses that do not fit the key. Never a panic.

use ark_bn254::{Fq, Fr};
use ark_ff::{BigInteger, PrimeField};
use std::io::Cursor;
use zkcopro_host::circom::prove::check_witness;
use zkcopro_host::circom::{CircomError, R1csFile, Witness, Zkey};
use zkcopro_testbenches::circom::fixture;

fn zkey_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name).zkey()).expect("zkey")
}

fn read_zkey(b: &[u8]) -> Result<Zkey, CircomError> {
    Zkey::read(Cursor::new(b))
}

/// Offset of section `id`'s body in a container.
fn section(b: &[u8], id: u32) -> (usize, usize) {
    let count = u32::from_le_bytes(b[8..12].try_into().unwrap());
    let mut pos = 12;
    for _ in 0..count {
        let sid = u32::from_le_bytes(b[pos..pos + 4].try_into().unwrap());
        let size = u64::from_le_bytes(b[pos + 4..pos + 12].try_into().unwrap()) as usize;
        if sid == id {
            return (pos + 12, size);
        }
        pos += 12 + size;
    }
    panic!("no section {id}");
}

#[test]
fn every_truncation_is_a_typed_error() {
    for name in ["multiply"] {
        let f = fixture(name);
        for (path, what) in [(f.zkey(), "zkey"), (f.wtns(), "wtns"), (f.r1cs(), "r1cs")] {
            let bytes = std::fs::read(&path).unwrap();
            // Every length up to 200 bytes, then a stride through the rest.
            let cuts = (0..200.min(bytes.len())).chain((200..bytes.len()).step_by(97));
            for cut in cuts {
                let b = &bytes[..cut];
                let err = match what {
                    "zkey" => read_zkey(b).err().map(|e| e.to_string()),
                    "wtns" => Witness::read(Cursor::new(b)).err().map(|e| e.to_string()),
                    _ => R1csFile::read(Cursor::new(b)).err().map(|e| e.to_string()),
                };
                assert!(err.is_some(), "{what} cut to {cut} of {} bytes read without error", bytes.len());
            }
        }
    }
}

#[test]
fn wrong_magic_version_protocol_and_prime() {
    let good = zkey_bytes("multiply");
    read_zkey(&good).expect("the fixture reads");
    let mut b = good.clone();
    b[..4].copy_from_slice(b"wtns");
    assert!(matches!(read_zkey(&b), Err(CircomError::WrongMagic { .. })));
    let mut b = good.clone();
    b[4..8].copy_from_slice(&7u32.to_le_bytes());
    assert!(matches!(read_zkey(&b), Err(CircomError::UnsupportedVersion { found: 7, .. })));
    // A PLONK key (protocol 2).
    let (at, _) = section(&good, 1);
    let mut b = good.clone();
    b[at..at + 4].copy_from_slice(&2u32.to_le_bytes());
    assert!(matches!(read_zkey(&b), Err(CircomError::NotGroth16(2))));
    // Another curve's scalar field (BLS12-381's r is 32 bytes too).
    let (at, _) = section(&good, 2);
    let mut b = good.clone();
    let r_at = at + 4 + 32 + 4;
    b[r_at] ^= 1;
    assert!(matches!(read_zkey(&b), Err(CircomError::NotBn254 { .. })));
    // A section table claiming more bytes than the file holds.
    let mut b = good.clone();
    b[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(read_zkey(&b), Err(CircomError::Corrupted { .. })));
    // A section count from a corrupted header.
    let mut b = good.clone();
    b[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(read_zkey(&b), Err(CircomError::Corrupted { .. })));
}

#[test]
fn header_sizes_that_do_not_fit_the_sections() {
    let good = zkey_bytes("multiply");
    let (at, _) = section(&good, 2);
    let vars_at = at + 4 + 32 + 4 + 32;
    for (offset, value, says) in [
        (0, u32::MAX, "signals"),        // nVars: the A section no longer fits
        (4, u32::MAX, "signals"),        // nPublic above nVars
        (8, 1 << 30, "domain"),          // a domain beyond the card's transforms
        (8, 3000, "domain"),             // not a power of two
    ] {
        let mut b = good.clone();
        b[vars_at + offset..vars_at + offset + 4].copy_from_slice(&value.to_le_bytes());
        let e = read_zkey(&b).expect_err("refused");
        let text = e.to_string();
        assert!(
            text.contains(says) || matches!(e, CircomError::SectionSize { .. }),
            "header field +{offset} = {value}: {text}"
        );
    }
}

#[test]
fn points_off_the_curve_or_not_below_q_and_coefficients_not_below_r() {
    let good = zkey_bytes("multiply");
    // Point 3 of the A section with y + 1: off the curve.
    let (a_at, _) = section(&good, 5);
    let mut b = good.clone();
    let y = a_at + 3 * 64 + 32;
    b[y] ^= 0x01;
    assert!(matches!(read_zkey(&b), Err(CircomError::PointNotOnCurve { what: "A", index: 3 })), "{:?}", read_zkey(&b).err());
    // A coordinate equal to q.
    let mut b = good.clone();
    b[a_at + 64..a_at + 96].copy_from_slice(&Fq::MODULUS.to_bytes_le());
    assert!(matches!(read_zkey(&b), Err(CircomError::FieldElementOutOfRange { .. })));
    // A G2 point of B2 moved off the twist.
    let (b2_at, _) = section(&good, 7);
    let mut b = good.clone();
    b[b2_at + 128 + 64] ^= 0x01;
    assert!(matches!(read_zkey(&b), Err(CircomError::PointNotOnCurve { what: "B2", .. })));
    // A coefficient of r.
    let (c_at, _) = section(&good, 4);
    let mut b = good.clone();
    b[c_at + 4 + 12..c_at + 4 + 44].copy_from_slice(&Fr::MODULUS.to_bytes_le());
    assert!(matches!(read_zkey(&b), Err(CircomError::FieldElementOutOfRange { what: "coefficient", .. })));
    // A coefficient naming a signal the key does not have.
    let mut b = good.clone();
    b[c_at + 4 + 8..c_at + 4 + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(read_zkey(&b), Err(CircomError::BadKey(_))));
}

#[test]
fn g2_points_outside_the_subgroup_are_refused() {
    use ark_bn254::{Fq2, G2Affine};
    use ark_ec::short_weierstrass::SWCurveConfig;
    use ark_ff::{Field, One};
    // A point on the twist but not in the prime-order subgroup: the twist's
    // cofactor is large, so a point found from some x almost never is.
    let b_twist = ark_bn254::g2::Config::COEFF_B;
    let mut x = Fq2::new(Fq::one(), Fq::one());
    let p = loop {
        let rhs = x.square() * x + b_twist;
        if let Some(y) = rhs.sqrt() {
            let p = G2Affine::new_unchecked(x, y);
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                break p;
            }
        }
        x += Fq2::one();
    };
    let good = zkey_bytes("multiply");
    let (b2_at, _) = section(&good, 7);
    let mut b = good.clone();
    let (px, py) = (p.x, p.y);
    for (i, c) in [px.c0, px.c1, py.c0, py.c1].iter().enumerate() {
        // Montgomery form, as snarkjs stores coordinates.
        let at = b2_at + 128 + 32 * i;
        b[at..at + 32].copy_from_slice(&c.0.to_bytes_le());
    }
    assert!(matches!(read_zkey(&b), Err(CircomError::PointNotInSubgroup { what: "B2", index: 1 })), "{:?}", read_zkey(&b).err());
}

#[test]
fn witnesses_that_do_not_fit() {
    let small = fixture("multiply");
    let zkey = Zkey::read_file(small.zkey()).unwrap();
    let other = Witness::read_file(fixture("merkle_8").wtns()).unwrap();
    assert!(matches!(check_witness(&zkey, &other), Err(CircomError::WitnessLength { .. })));
    let good = Witness::read_file(small.wtns()).unwrap();
    check_witness(&zkey, &good).expect("its own witness fits");
    let bytes = good.to_bytes();
    assert_eq!(Witness::read(Cursor::new(&bytes)).unwrap(), good, "to_bytes writes what snarkjs writes");
    assert_eq!(bytes, std::fs::read(small.wtns()).unwrap(), "byte for byte as snarkjs wrote it");
    // A value equal to r.
    let (at, _) = section(&bytes, 2);
    let mut b = bytes.clone();
    b[at + 32 * 2..at + 32 * 3].copy_from_slice(&Fr::MODULUS.to_bytes_le());
    assert!(matches!(Witness::read(Cursor::new(&b)), Err(CircomError::FieldElementOutOfRange { index: 2, .. })));
    // The constant one's slot holding 2.
    let mut b = bytes.clone();
    b[at] = 2;
    assert!(matches!(Witness::read(Cursor::new(&b)), Err(CircomError::WitnessOne(_))));
    // A count far beyond the file.
    let (h_at, _) = section(&bytes, 1);
    let mut b = bytes.clone();
    b[h_at + 36..h_at + 40].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(Witness::read(Cursor::new(&b)), Err(CircomError::SectionSize { .. })));
}
