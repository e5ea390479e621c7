//! The admin password: argon2id hashes in PHC form (`$argon2id$v=19$m=...$salt$hash`),
//! which carry their own salt and cost, so a hash made elsewhere (`quarry admin
//! hash-password` on a laptop) verifies here. The hash comes from the configuration when it
//! holds one, else from the database (`quarry admin set-password`).
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};

use crate::config::Config;
use crate::db::entities::admin_password;

/// Shorter passwords are refused: ASVS 2.1.1 asks for at least 12 characters.
pub const MIN_CHARS: usize = 12;
/// Longer ones too: hashing megabytes is a denial of service, not a password.
pub const MAX_CHARS: usize = 1024;

/// Whether `password` may become the admin password; the reason when not.
pub fn acceptable(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(format!("the password has {n} characters; it needs at least {MIN_CHARS}"));
    }
    if n > MAX_CHARS {
        return Err(format!("the password has {n} characters; at most {MAX_CHARS} are accepted"));
    }
    Ok(())
}

/// The PHC string of `password`, with a fresh random salt and argon2's default cost
/// (argon2id, 19 MiB, 2 passes: OWASP's recommended minimum). Some 50 ms of CPU.
pub fn hash(password: &str) -> Result<String, String> {
    acceptable(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Whether `password` matches `phc`. A malformed hash matches nothing. Blocking CPU work:
/// call it off the async workers (`spawn_blocking`).
pub fn verify(phc: &str, password: &str) -> bool {
    if password.chars().count() > MAX_CHARS {
        return false;
    }
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// The hash to check sign-ins against: the configuration's, else the stored one.
pub async fn current(db: &DatabaseConnection, config: &Config) -> Result<Option<String>, DbErr> {
    if let Some(h) = config.admin_password_hash.expose() {
        return Ok(Some(h.to_string()));
    }
    Ok(admin_password::Entity::find_by_id(1).one(db).await?.map(|r| r.hash))
}

/// Stores `phc` as the admin password (replacing any), for every replica on this database.
pub async fn store(db: &DatabaseConnection, phc: &str, now: chrono::DateTime<chrono::Utc>) -> Result<(), DbErr> {
    use sea_orm::sea_query::OnConflict;
    let row = admin_password::ActiveModel { id: Set(1), hash: Set(phc.to_string()), set_at: Set(now) };
    admin_password::Entity::insert(row)
        .on_conflict(
            OnConflict::column(admin_password::Column::Id)
                .update_columns([admin_password::Column::Hash, admin_password::Column::SetAt])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
        assert!(verify(&h, "correct horse battery"));
        assert!(!verify(&h, "correct horse battery "));
        assert!(!verify(&h, ""));
        assert!(!verify("not a hash", "correct horse battery"));
        // Salted: the same password hashes differently each time.
        assert_ne!(h, hash("correct horse battery").unwrap());
    }

    #[test]
    fn short_and_huge_passwords_are_refused_with_the_reason() {
        assert!(hash("short").unwrap_err().contains("at least 12"));
        assert!(acceptable(&"x".repeat(MAX_CHARS + 1)).unwrap_err().contains("at most"));
        // Characters, not bytes: twelve accented letters are twelve.
        assert!(acceptable(&"é".repeat(12)).is_ok());
    }
}
