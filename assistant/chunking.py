"""Token-bounded chunks with llama-index's SentenceSplitter, counting cl100k_base tokens."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from assistant.schema import Chunk, SourceDocument


@lru_cache(maxsize=1)
def token_encoder():
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    return len(token_encoder().encode(text, disallowed_special=()))


def _encode(text: str) -> list[int]:
    return token_encoder().encode(text, disallowed_special=())


@lru_cache(maxsize=4)
def _splitter(chunk_size: int, chunk_overlap: int):
    from llama_index.core.node_parser import SentenceSplitter

    return SentenceSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        tokenizer=_encode,
        include_metadata=False,
        include_prev_next_rel=False,
    )


def chunking_signature(chunk_size: int, chunk_overlap: int) -> str:
    return f"sentence-splitter/cl100k_base/{chunk_size}/{chunk_overlap}"


def split_document(doc: SourceDocument, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """Split a cleaned document; ids derive from the document id and the chunk's content."""
    from llama_index.core import Document

    nodes = _splitter(chunk_size, chunk_overlap).get_nodes_from_documents(
        [Document(text=doc.text, id_=doc.doc_id)]
    )
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    cursor = 0
    for position, node in enumerate(nodes):
        text = node.get_content()
        start = node.start_char_idx
        if start is None or doc.text[start : start + len(text)] != text:
            start = doc.text.find(text, cursor)
        if start < 0:  # the splitter normalised the text: never store a passage we cannot cite
            continue
        cursor = start
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        repeat = seen.get(digest, 0)
        seen[digest] = repeat + 1
        chunk_id = f"{doc.doc_id}#{digest}" + (f"-{repeat}" if repeat else "")
        chunks.append(
            Chunk(
                chunk_id=chunk_id,
                doc_id=doc.doc_id,
                text=text,
                start=start,
                end=start + len(text),
                position=position,
                title=doc.title,
                outlet=doc.outlet,
            )
        )
    return chunks
