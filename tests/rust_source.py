"""Rust written for these tests, shaped like a cached-lookup module: not upstream code."""

TEAM_RS = """use std::time::Duration;

use serde::{Deserialize, Serialize};
use crate::core::cache::{Cache, CacheKey, kv_def};

/// A cached team, with every member the roster lookup needs.
#[derive(Deserialize, Serialize, Debug, Clone)]
pub struct CachedTeam {
    pub id: String,
    members: Vec<CachedMember>,
    archived: bool,
}

impl CachedTeam {
    /// Loads the team from the database.
    async fn load_from_db(db: &Db, id: &str) -> Result<CachedTeam> {
        let members = db.members(id).await?;
        Ok(CachedTeam { id: id.to_owned(), members, archived: false })
    }

    /// Drops the cached team.
    pub async fn forget(cache: &Cache, id: &str) -> Result<()> {
        cache.delete(&TeamKey::new(id)).await
    }

    /// Cache first, database second.
    pub async fn cached_fetch(cache: &Cache, db: &Db, id: &str, ttl: Duration) -> Result<Option<CachedTeam>> {
        let key = TeamKey::new(id);
        if let Ok(Some(team)) = cache.get::<CachedTeam>(&key).await {
            return Ok(Some(team));
        }
        let team = Self::load_from_db(db, id).await?;
        let _ = cache.set(&key, &team, ttl).await;
        Ok(Some(team))
    }

    pub fn active_members(&self) -> Vec<CachedMember> {
        self.members.iter().filter(|m| !m.away).cloned().collect()
    }
}

/// One member of a team — « café » crew included.
#[derive(Deserialize, Serialize, Debug, Clone)]
pub struct CachedMember {
    pub name: String,
    #[serde(rename = "away_flag", alias = "away")]
    pub away: bool,
}

kv_def!(TeamKey, CachedTeam);
impl TeamKey {
    pub fn new(id: &str) -> TeamKey {
        TeamKey(format!("TEAM_v1_{id}"))
    }
}

#[cfg(test)]
mod tests {
    use super::CachedTeam;

    #[test]
    fn roster() {
        assert!(true);
    }
}
"""

# The `forget` fn of TEAM_RS, and a near miss of a rename of it: same signature shape, another body.
FORGET = (
    "    pub async fn forget(cache: &Cache, id: &str) -> Result<()> {\n"
    "        cache.delete(&TeamKey::new(id)).await\n    }"
)
EVICT_ALL = (
    "    pub async fn evict_all(cache: &Cache, ids: &[String]) -> Result<()> {\n"
    "        for id in ids {\n            cache.delete(&TeamKey::new(id)).await?;\n        }\n"
    "        Ok(())\n    }"
)

TOPIC = {
    "include": [
        {"kind": "^struct$", "name": "^Cached"},
        {"kind": "^fn$", "name": "^CachedTeam::"},
        {"kind": "^macro$", "name": "^kv_def!"},
        {"kind": "^impl$", "name": "^impl \\w+Key$"},
    ],
    "exclude": [{"name": "::active_members$"}],
}

# A second tracked module, for commits that touch one file and leave the other alone.
ROSTER_RS = """use crate::core::cache::{Cache, kv_def};

/// The cached roster of a team, ordered by seniority.
#[derive(Deserialize, Serialize, Debug, Clone)]
pub struct CachedRoster {
    pub names: Vec<String>,
}

kv_def!(RosterKey, CachedRoster);

impl RosterKey {
    pub fn new(team: &str) -> RosterKey {
        RosterKey(format!("ROSTER_v1_{team}"))
    }
}
"""

# An untracked module the dataset's prose relies on: the handler that picks the TTL the cached lookup runs with.
HANDLERS_RS = """use std::time::Duration;

use crate::team::CachedTeam;

/// Posts a message to a team: the roster comes from the cache for half a minute.
pub async fn post_team_message(cache: &Cache, db: &Db, id: &str, body: String) -> Result<()> {
    let team = CachedTeam::cached_fetch(cache, db, id, Duration::from_secs(30)).await?;
    deliver(team, body).await
}

pub async fn deliver(team: Option<CachedTeam>, body: String) -> Result<()> {
    Ok(())
}
"""
HANDLERS = "src/handlers.rs"

CONFIG_TOML = """# The cache backend: "memory" keeps entries in this process only.
cache_type = "memory"
"""
CONFIG = "config.default.toml"
