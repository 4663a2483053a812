-- The duels under way, by when their round began: each instance of a cluster looks for overdue rounds about once a
-- second (without it, each look read every duel ever fought).
create index battles_live on battles(round_started) where over = 0;
