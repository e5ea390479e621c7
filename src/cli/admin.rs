//! `quarry admin ...`: the admin's password and sessions, from the server's shell.
use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use clap::Subcommand;

use crate::auth::{password, session};
use crate::config::Config;
use crate::startup::prepare;

#[derive(Debug, Clone, Subcommand)]
pub enum AdminAction {
    /// Set the password /login asks for, stored (hashed with argon2) in the database so every
    /// replica shares it; every open session is signed out. Reads it from the terminal
    /// without echo (asked twice), or as one line from standard input.
    SetPassword,
    /// Print the argon2 hash of a password (read as set-password reads it), for
    /// QUARRY_ADMIN_PASSWORD_HASH; nothing is stored.
    HashPassword,
    /// End every admin session now.
    SignOutEveryone,
}

pub async fn run(action: AdminAction, config: Config) -> anyhow::Result<()> {
    match action {
        AdminAction::SetPassword => {
            if config.admin_password_hash.expose().is_some() {
                eprintln!("note: QUARRY_ADMIN_PASSWORD_HASH is set and wins over the stored password while it is");
            }
            let hash = new_hash()?;
            let state = prepare(config).await?;
            password::store(&state.db, &hash, chrono::Utc::now()).await.context("storing the password")?;
            let ended = session::close_all(&state.db).await.context("ending the sessions")?;
            println!("admin password set; {ended} open session(s) signed out");
            Ok(())
        }
        AdminAction::HashPassword => {
            println!("{}", new_hash()?);
            Ok(())
        }
        AdminAction::SignOutEveryone => {
            let state = prepare(config).await?;
            let ended = session::close_all(&state.db).await.context("ending the sessions")?;
            println!("{ended} open session(s) signed out");
            Ok(())
        }
    }
}

/// A new password's hash: from a terminal asked twice without echo, else one line of
/// standard input (so `printf '%s\n' "$PW" | quarry admin set-password` works in scripts).
fn new_hash() -> anyhow::Result<String> {
    let given = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New admin password: ")?;
        let again = rpassword::prompt_password("The same again: ")?;
        anyhow::ensure!(first == again, "the two passwords differ; nothing was changed");
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    password::hash(&given).map_err(|e| anyhow::anyhow!("{e}; nothing was changed"))
}
