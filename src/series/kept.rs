//! Answers computed from the observations, kept between requests: the commodity overview
//! (24 queries and the changes of every instrument, about 15 ms of CPU), histories (a
//! 15-year daily series is thousands of rows to read) and rendered pages, while the data
//! under them changes a few times a day.
//!
//! An entry is dropped when any writer in this process stores observations or a fetch
//! failure (`invalidate`, called by the ingest and demo writers), and in any case after
//! `TTL`, which bounds how long a write by another replica, or the date turning over
//! (staleness is judged against today), goes unseen. Concurrent misses compute once.
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an entry may be served without a local write having invalidated it.
pub const TTL: Duration = Duration::from_secs(5);

/// Bumped by every local write that can change an overview.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Drops every kept overview (of every state in the process: cheap, and always right).
pub fn invalidate() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

struct Entry<V> {
    generation: u64,
    at: Instant,
    value: Arc<V>,
}

impl<V> Entry<V> {
    fn fresh(&self, now: Instant) -> bool {
        self.generation == GENERATION.load(Ordering::SeqCst) && now.duration_since(self.at) < TTL
    }
}

/// Kept answers by key. At most `MAX_ENTRIES`: a key comes from a query string, and a
/// client walking through dates must not grow the map without bound.
pub struct Kept<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    /// One turn per key, held while computing it: a burst of misses for one key computes
    /// once, while a miss for another key (another instrument's page) need not wait.
    computing: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
}

pub const MAX_ENTRIES: usize = 512;

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept { entries: Mutex::new(HashMap::new()), computing: Mutex::new(HashMap::new()) }
    }
}

impl<K: std::hash::Hash + Eq + Clone, V> Kept<K, V> {
    /// The kept answer for `key`, or `compute`'s, kept for the next caller. Errors are not
    /// kept.
    pub async fn get<F, Fut, E>(&self, key: K, compute: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        if let Some(hit) = self.lookup(&key) {
            return Ok(hit);
        }
        let turn = {
            let mut turns = self.computing.lock().expect("kept turns");
            if turns.len() >= MAX_ENTRIES {
                // Only turns nobody holds or waits on.
                turns.retain(|_, t| Arc::strong_count(t) > 1);
            }
            turns.entry(key.clone()).or_default().clone()
        };
        let _turn = turn.lock().await;
        // Another caller may have computed it while this one waited.
        if let Some(hit) = self.lookup(&key) {
            return Ok(hit);
        }
        let generation = GENERATION.load(Ordering::SeqCst);
        let value = Arc::new(compute().await?);
        let mut entries = self.entries.lock().expect("kept answers");
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, Entry { generation, at: Instant::now(), value: value.clone() });
        Ok(value)
    }

    fn lookup(&self, key: &K) -> Option<Arc<V>> {
        let entries = self.entries.lock().expect("kept answers");
        entries.get(key).filter(|e| e.fresh(Instant::now())).map(|e| e.value.clone())
    }
}

/// The kept answers of one state, one [`Kept`] per type: each domain names the answers it
/// keeps (`commodities::service::OverviewCache`), so the state that holds them need not
/// know any domain's types.
#[derive(Default)]
pub struct Shelf(Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl Shelf {
    /// This state's `T`, made empty on first use.
    pub fn of<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let mut kinds = self.0.lock().expect("kept shelf");
        let kept = kinds.entry(TypeId::of::<T>()).or_insert_with(|| Arc::new(T::default())).clone();
        kept.downcast::<T>().expect("a shelf slot holds the type it is keyed by")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer stamped with when it was computed, as an overview is.
    #[derive(Debug, PartialEq)]
    struct Stamped {
        generated_at: u64,
    }

    fn overview(n: usize) -> Stamped {
        Stamped { generated_at: n as u64 }
    }

    type OverviewCache = Kept<Option<String>, Stamped>;

    #[tokio::test]
    async fn a_kept_overview_is_served_until_a_write_invalidates_it() {
        let cache = OverviewCache::default();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let compute = || async {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(overview(n))
        };
        let a = cache.get(None, compute).await.unwrap();
        let b = cache.get(None, compute).await.unwrap();
        assert_eq!((a.generated_at, b.generated_at), (overview(0).generated_at, overview(0).generated_at));
        // Another group is another entry.
        let metals = cache.get(Some("metals".to_string()), compute).await.unwrap();
        assert_eq!(metals.generated_at, overview(1).generated_at);
        invalidate();
        let c = cache.get(None, compute).await.unwrap();
        assert_eq!(c.generated_at, overview(2).generated_at, "recomputed after a write");
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn an_error_is_not_kept() {
        let cache = OverviewCache::default();
        assert_eq!(cache.get(None, || async { Err::<Stamped, _>("down") }).await.unwrap_err(), "down");
        let ok = cache.get(None, || async { Ok::<_, &str>(overview(7)) }).await.unwrap();
        assert_eq!(ok.generated_at, overview(7).generated_at);
    }

    #[tokio::test]
    async fn the_map_never_holds_more_than_its_bound() {
        let cache: Kept<String, usize> = Kept::default();
        for i in 0..MAX_ENTRIES + 10 {
            cache.get(i.to_string(), || async move { Ok::<_, ()>(i) }).await.unwrap();
        }
        assert!(cache.entries.lock().unwrap().len() <= MAX_ENTRIES);
        assert!(cache.computing.lock().unwrap().len() <= MAX_ENTRIES);
    }

    /// A slow computation for one key holds back only that key's callers.
    #[tokio::test]
    async fn a_miss_waits_only_for_its_own_key() {
        let cache: Kept<&str, usize> = Kept::default();
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let slow = cache.get("slow", || async move {
            wait.await.ok();
            Ok::<_, ()>(1)
        });
        let fast = async {
            let v = cache.get("fast", || async { Ok::<_, ()>(2) }).await.unwrap();
            release.send(()).unwrap();
            v
        };
        // Under one lock for every key, "fast" would wait for "slow", which waits for
        // "fast": the timeout would fire.
        let both = tokio::time::timeout(Duration::from_secs(5), async { tokio::join!(slow, fast) }).await;
        let (slow, fast) = both.expect("a miss for another key waited for the slow one");
        assert_eq!((*slow.unwrap(), *fast), (1, 2));
    }

    /// Concurrent misses for one key compute it once.
    #[tokio::test]
    async fn concurrent_misses_for_one_key_compute_once() {
        let cache: Kept<&str, usize> = Kept::default();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let compute = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>(7)
        };
        let (a, b, c) = tokio::join!(cache.get("k", compute), cache.get("k", compute), cache.get("k", compute));
        assert_eq!((*a.unwrap(), *b.unwrap(), *c.unwrap()), (7, 7, 7));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_shelf_gives_each_type_its_own_kept_answers_and_the_same_one_twice() {
        let shelf = Shelf::default();
        let a = shelf.of::<Kept<String, usize>>();
        let b = shelf.of::<Kept<String, usize>>();
        assert!(Arc::ptr_eq(&a, &b));
        let other = shelf.of::<Kept<String, u8>>();
        assert_ne!(Arc::as_ptr(&other) as *const (), Arc::as_ptr(&a) as *const ());
        assert!(!Arc::ptr_eq(&Shelf::default().of::<Kept<String, usize>>(), &a), "another state, other answers");
    }

    #[test]
    fn an_entry_older_than_the_ttl_is_not_fresh() {
        let now = Instant::now();
        let e = |at| Entry { generation: GENERATION.load(Ordering::SeqCst), at, value: Arc::new(overview(0)) };
        assert!(e(now).fresh(now));
        assert!(!e(now).fresh(now + TTL));
    }
}
