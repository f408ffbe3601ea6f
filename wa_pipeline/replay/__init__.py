"""Dead-letter replay: each letter goes back through its stage's normal path, one handler per stage.

An "import" letter re-imports its file, a "webhook" letter re-parses the stored element into the landing store, a
"media"/"media_download" letter is requeued for download; a letter of any other stage is marked for the next run of
its partition (which retries it anyway). A letter that fails again is put back by that path with the new reason
(open again); one that now succeeds is resolved by it or marked replayed. It sits above the sources it calls, so
the queue itself (`store.dead_letters`) stays plain storage.
"""
