package taleweaver.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {
    @Test
    void aBudgetIsSpentThenRefillsWithTime() {
        var limiter = new RateLimiter(60); // one a second
        long t = 1_000_000;
        for (int i = 0; i < 60; i++) assertEquals(0, limiter.acquire("ip:a", t), "request " + i);
        long wait = limiter.acquire("ip:a", t);
        assertTrue(wait >= 1 && wait <= 2, "Retry-After of about a second: " + wait);
        assertEquals(0, limiter.acquire("ip:b", t), "another key has its own budget");
        assertEquals(0, limiter.acquire("ip:a", t + 1_100), "a second later one more is allowed");
        assertTrue(limiter.acquire("ip:a", t + 1_100) > 0);
        for (int i = 0; i < 60; i++) assertEquals(0, limiter.acquire("ip:a", t + 70_000), "a minute later the whole budget is back: " + i);
    }
}
