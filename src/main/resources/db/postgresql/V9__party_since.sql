-- The number of a member's own 'joined' event: what the party said and did before it is not theirs to read (SPEC §16).
-- Members from before this column read from the party's start, as they did.
alter table party_members add column since integer not null default 0;
