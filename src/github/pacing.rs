//! Pacing within GitHub's secondary rate limit: at most N points in any 60 seconds, where a
//! GET costs 1 point and a write 5 (API.md). A sliding window, so that no minute ever
//! holds more than the budget, however the requests bunch up.

use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct PointsPacer {
    per_minute: u32,
    spent: Mutex<VecDeque<(Instant, u32)>>,
}

impl PointsPacer {
    pub fn new(per_minute: u32) -> PointsPacer {
        PointsPacer {
            per_minute: per_minute.max(5),
            spent: Mutex::new(VecDeque::new()),
        }
    }

    /// Waits until `points` fit in the last 60 seconds, then spends them. Returns how long
    /// it waited, for `-v`.
    pub async fn spend(&self, points: u32) -> Duration {
        let started = Instant::now();
        loop {
            let wait = {
                let mut spent = self.spent.lock().await;
                let now = Instant::now();
                while spent
                    .front()
                    .is_some_and(|(at, _)| now.duration_since(*at) >= WINDOW)
                {
                    spent.pop_front();
                }
                let total: u32 = spent.iter().map(|(_, p)| p).sum();
                if total + points <= self.per_minute {
                    spent.push_back((now, points));
                    return started.elapsed();
                }
                // Wait until enough of the oldest spending leaves the window.
                let mut freed = 0;
                let mut until = now;
                for (at, p) in spent.iter() {
                    freed += p;
                    until = *at + WINDOW;
                    if total - freed + points <= self.per_minute {
                        break;
                    }
                }
                until.saturating_duration_since(now)
            };
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_minute_holds_more_than_the_budget() {
        let pacer = PointsPacer::new(10);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..25 {
            pacer.spend(1).await;
            times.push(start.elapsed());
        }
        assert!(
            times[..10].iter().all(|t| *t < Duration::from_secs(1)),
            "a burst up to the budget"
        );
        assert!(times[10] >= WINDOW, "the 11th point waits for the window");
        for (i, t) in times.iter().enumerate() {
            let in_window = times[..=i].iter().filter(|s| *t - **s < WINDOW).count();
            assert!(
                in_window <= 10,
                "{in_window} points within a minute at {t:?}"
            );
        }
        // 5 points spent in this window: a write (5) fits, a second one waits.
        assert_eq!(pacer.spend(5).await, Duration::ZERO);
        assert!(pacer.spend(5).await >= Duration::from_secs(59));
    }
}
