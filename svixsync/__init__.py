"""svixsync: keeps a training dataset true to the upstream Rust code it quotes."""
