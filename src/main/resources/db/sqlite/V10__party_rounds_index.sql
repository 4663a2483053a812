-- A party's told rounds, newest first, without reading its chat and declarations in between (without it, a party
-- that talked for an evening before its quest had every line read again for each round's scene and each /party_status).
create index party_events_resolved on party_events(party_id, n) where kind = 'resolved';
