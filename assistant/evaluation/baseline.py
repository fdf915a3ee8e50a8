"""The stock reference pipeline: llama-index VectorStoreIndex over Chroma with its defaults.

`suffixes` widens the files it reads (the multi-corpus benchmark hands it web pages as they are:
SimpleDirectoryReader reads them as text, markup included).

Raw files read by SimpleDirectoryReader (no boilerplate cleaning), the default node parser
(SentenceSplitter 1024/200), dense retrieval only with the default similarity_top_k=2, and the
top passages returned as the answer with their sources. Follow-ups retrieve with the earlier
user turns prepended (the stock chat engines would condense them with an LLM). Only the embedding model is ours (the same
bundled MiniLM), so the comparison isolates the pipeline rather than the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.embedding import Embedder


def _embedding_adapter(embedder: Embedder):
    from llama_index.core.embeddings import BaseEmbedding

    class BundledEmbedding(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.encode([query])[0].tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.encode([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.encode(texts).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return BundledEmbedding(model_name="bundled-all-MiniLM-L6-v2", embed_batch_size=32)


@dataclass
class BaselineAnswer:
    text: str
    passages: list[tuple[str, str]]  # (source file name, passage text), best first


class StockLlamaIndexBaseline:
    def __init__(self, corpus_paths: list[str], embedder: Embedder, top_k: int = 2,
                 suffixes: tuple[str, ...] = (".txt", ".md"),
                 collection_name: str = "stock_baseline") -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.vector_stores.chroma import ChromaVectorStore

        files = [str(p) for path in corpus_paths for p in sorted(Path(path).rglob("*"))
                 if p.is_file() and p.suffix.lower() in suffixes]
        documents = SimpleDirectoryReader(input_files=files).load_data()
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection(collection_name, embedding_function=None)
        storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(
            chroma_collection=collection))
        self.index = VectorStoreIndex.from_documents(
            documents, storage_context=storage, embed_model=_embedding_adapter(embedder))
        self.retriever = self.index.as_retriever(similarity_top_k=top_k)
        self.wide_retriever = self.index.as_retriever(similarity_top_k=5)

    @staticmethod
    def query_text(question: str, history: Sequence[tuple[str, str]] = ()) -> str:
        """What the stock pipeline retrieves with. Its chat engines condense a follow-up with an
        LLM; without one, the earlier user turns are prepended, so that "When was it
        conducted?" still carries its topic."""
        earlier = [text for role, text in history if role == "user"]
        return " ".join([*earlier, question])

    def answer(self, question: str, history: Sequence[tuple[str, str]] = ()) -> BaselineAnswer:
        nodes = self.retriever.retrieve(self.query_text(question, history))
        passages = [(n.node.metadata.get("file_name", ""), n.node.get_content()) for n in nodes]
        text = "\n\n".join(f"{body.strip()} [{i}]" for i, (_, body) in enumerate(passages, 1))
        return BaselineAnswer(text=text, passages=passages)

    def ranked_passages(self, question: str,
                        history: Sequence[tuple[str, str]] = ()) -> list[str]:
        query = self.query_text(question, history)
        return [n.node.get_content() for n in self.wide_retriever.retrieve(query)]
