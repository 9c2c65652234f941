"""Textual's Footer, less a leak: every recompose keeps the keys it removed.

The Footer recomposes on every `refresh_bindings()`; each new FooterKey `data_bind`s the
footer's `compact`, which stores `(key, setter)` in the footer's watchers. Textual prunes
that list only when `compact` changes, which it never does here, so every key ever shown
stays alive with its styles and caches (Textualize/textual#6666, open). After a recompose
the watchers of keys that have closed are dropped, as Textual's own pruning would.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        # The private name Textual keeps watchers under (textual.reactive._watch).
        watchers: dict[str, list[tuple[object, object]]] = getattr(self, "__watchers", {})
        for entries in watchers.values():
            entries[:] = [entry for entry in entries if not getattr(entry[0], "_closing", False)]
