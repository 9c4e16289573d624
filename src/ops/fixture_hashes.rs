//! Argon2 hashes of the shipped fixtures' passwords, made once (SECURITY.md, "Repeated
//! logins and the fixtures' hashes"). Seeding an empty database hashed every fixture
//! password, about 300 ms of argon2 before the first login could be answered. A fixture
//! load takes the hash from here for a password it finds here and hashes any other. A
//! hash of a password verifies that password whoever holds it, so the table is keyed by
//! the password alone (each fixture user's password is their user name).

use super::secrets::hash_password;

const PRECOMPUTED: [(&str, &str); 9] = [
    ("sysadmin", "$argon2id$v=19$m=19456,t=2,p=1$bphcyY+NkqgSQGVySwLT4w$IkwmcwG4uMJE/xb3yvl0oOl/OGNMDCSYVFZgFnEDxEk"),
    ("admin", "$argon2id$v=19$m=19456,t=2,p=1$nTLH0s+Rw4Chyw91Rnx8qw$M3BThIVZ4t6i/MEk+OKgW0+3AY0NlHp8DPSHUB4u8cs"),
    ("jdoe", "$argon2id$v=19$m=19456,t=2,p=1$Ctsh7iz5KbYpYezgwSMwow$2yndzEsDkjRZ+ZDrg/Bt2dswiY0Wo+r1regfXPMnpCk"),
    ("asmith", "$argon2id$v=19$m=19456,t=2,p=1$Cj7N1KGRDmN5hhhg+wde6Q$kiBMcZQgqs6ErVypFJv9fT/3VjVrsOvGhNEbVmNMZAs"),
    ("bwong", "$argon2id$v=19$m=19456,t=2,p=1$sTbJbSd8mTDBPf/R01Hw8Q$QhuvvoMaEkx08VJqzmCeBiY/QePIQLWLpqB/aKPT1cQ"),
    ("mgarcia", "$argon2id$v=19$m=19456,t=2,p=1$ORRZNtFCpDjUmYcta15bqQ$9TKwpIhYNbCs0U7LN9yhWrFNorpBS16wBG3hjkykYXY"),
    ("lchen", "$argon2id$v=19$m=19456,t=2,p=1$RUNgpmIseli815kfsYztbg$YmteDziRnK/hSgkt1MFokzecd0HP9oC+C72Y5FWHIO4"),
    ("t_nguyen", "$argon2id$v=19$m=19456,t=2,p=1$iRcUjtqWD6IniRw9LdX6TQ$oJpPpeNxCyvzFUqkRr2s/4CA6AID35ry8G1IbOz4eJk"),
    ("hrlead", "$argon2id$v=19$m=19456,t=2,p=1$p+t2HqGxDiYtM3YHXftY9A$voIHn3/Qonnb++iU7BKOec+APU2Lpnc2DgDX2JL3AYU"),
];

/// The hash a fixture load stores for `password`: the precomputed one when there is
/// one, a freshly salted one otherwise.
pub fn hash_fixture_password(password: &str) -> String {
    PRECOMPUTED
        .iter()
        .find(|(known, _)| *known == password)
        .map_or_else(|| hash_password(password), |(_, hash)| (*hash).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::argon;

    #[test]
    fn every_precomputed_hash_verifies_its_password_and_others_are_hashed() {
        for (password, hash) in PRECOMPUTED {
            assert!(argon::verify(password, hash), "{password}");
            assert_eq!(hash_fixture_password(password), hash);
        }
        let fresh = hash_fixture_password("not a fixture password");
        assert!(argon::verify("not a fixture password", &fresh));
    }
}
