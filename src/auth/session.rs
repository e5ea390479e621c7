//! Sessions in the database: opened at sign-in, looked up on each request that carries the
//! cookie, closed at sign-out, at their lifetime's end or after an idle spell. The cookie
//! holds 256 random bits; the row holds their SHA-256, so the database alone opens nothing.
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::config::SessionsConfig;
use crate::db::entities::admin_sessions as rows;

/// How often a session's `last_seen_at` is written: its idle clock needs minutes, not the
/// write of every request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A session just opened: the cookie value (never stored) and its end.
pub struct Opened {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// A live session, as a request found it.
#[derive(Clone, Debug, PartialEq)]
pub struct Live {
    pub expires_at: DateTime<Utc>,
}

fn id_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Opens a session for `client` (an address, for the operator) and sweeps ended ones.
pub async fn open(
    db: &DatabaseConnection,
    policy: &SessionsConfig,
    client: &str,
    now: DateTime<Utc>,
) -> Result<Opened, DbErr> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let expires_at = now + Duration::hours(policy.lifetime_hours as i64);
    sweep(db, policy, now).await?;
    rows::Entity::insert(rows::ActiveModel {
        id_hash: Set(id_hash(&token)),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        client: Set(client.chars().take(100).collect()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(Opened { token, expires_at })
}

/// The live session `token` opens, if any. A session past its end or idle too long is
/// deleted on the spot.
pub async fn find(
    db: &DatabaseConnection,
    policy: &SessionsConfig,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Live>, DbErr> {
    // Not a value `open` could have made: no query for it.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let id = id_hash(token);
    let Some(row) = rows::Entity::find_by_id(id.clone()).one(db).await? else {
        return Ok(None);
    };
    if !alive(&row, policy, now) {
        rows::Entity::delete_by_id(id).exec(db).await?;
        return Ok(None);
    }
    if now - row.last_seen_at >= TOUCH_EVERY {
        rows::Entity::update_many()
            .col_expr(rows::Column::LastSeenAt, Expr::value(now))
            .filter(rows::Column::IdHash.eq(id))
            .exec(db)
            .await?;
    }
    Ok(Some(Live { expires_at: row.expires_at }))
}

/// Whether a session is within its lifetime and its idle limit at `now`.
fn alive(row: &rows::Model, policy: &SessionsConfig, now: DateTime<Utc>) -> bool {
    now < row.expires_at && now - row.last_seen_at < Duration::minutes(policy.idle_minutes as i64)
}

/// Ends the session `token` opens (sign-out). Unknown tokens are no error.
pub async fn close(db: &DatabaseConnection, token: &str) -> Result<(), DbErr> {
    rows::Entity::delete_by_id(id_hash(token)).exec(db).await?;
    Ok(())
}

/// Ends every session (a new password, or the operator's "sign out everyone"); how many.
pub async fn close_all(db: &DatabaseConnection) -> Result<u64, DbErr> {
    Ok(rows::Entity::delete_many().exec(db).await?.rows_affected)
}

/// Deletes every session that has ended, by lifetime or idleness; how many.
pub async fn sweep(db: &DatabaseConnection, policy: &SessionsConfig, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let idle_since = now - Duration::minutes(policy.idle_minutes as i64);
    let gone = rows::Entity::delete_many()
        .filter(rows::Column::ExpiresAt.lte(now).or(rows::Column::LastSeenAt.lte(idle_since)))
        .exec(db)
        .await?;
    Ok(gone.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> SessionsConfig {
        SessionsConfig {
            lifetime_hours: 12,
            idle_minutes: 120,
            login_attempts_per_minute: 5,
            secure_cookie: "auto".into(),
        }
    }

    fn row(created: DateTime<Utc>, seen: DateTime<Utc>) -> rows::Model {
        rows::Model {
            id_hash: id_hash("t"),
            created_at: created,
            last_seen_at: seen,
            expires_at: created + Duration::hours(12),
            client: String::new(),
        }
    }

    #[test]
    fn a_session_ends_at_its_lifetime_or_after_an_idle_spell() {
        let t0 = DateTime::parse_from_rfc3339("2026-12-06T08:00:00Z").unwrap().with_timezone(&Utc);
        let p = policy();
        assert!(alive(&row(t0, t0), &p, t0 + Duration::minutes(119)));
        assert!(!alive(&row(t0, t0), &p, t0 + Duration::minutes(120)), "idle two hours");
        // Used an hour ago, but twelve hours after sign-in: over.
        let used = row(t0, t0 + Duration::hours(11));
        assert!(alive(&used, &p, t0 + Duration::hours(11) + Duration::minutes(59)));
        assert!(!alive(&used, &p, t0 + Duration::hours(12)));
    }

    #[test]
    fn the_stored_id_is_a_digest_not_the_token() {
        let h = id_hash("0123");
        assert_eq!(h.len(), 64);
        assert_ne!(h, "0123");
        assert_eq!(h, id_hash("0123"));
    }
}
