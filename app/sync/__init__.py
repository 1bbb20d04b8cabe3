"""The client's side of sync: paired servers, the offline cache, the outbox and the event follower."""
