"""OpenAI-compatible HTTP API beside the web chat, on the same process and port.

`/v1/chat/completions` (plain and streamed as server-sent events) and `/v1/models`, so any
OpenAI client works with `base_url=http://127.0.0.1:7860/v1`. The answer comes from the same
`Assistant` as the chat, the CLI and the Python API: extractive (or verified LLM) sentences
with [n] markers, and the cited passages in a top-level `citations` list (on the completion, and
on the final chunk of a stream). Message content is only ever a question or history: system
messages and any instructions inside content are not followed.
"""

from __future__ import annotations

import hmac
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from assistant.chunking import count_tokens
from assistant.config import Settings
from assistant.engine import Assistant
from assistant.errors import (
    AssistantError,
    IndexBusyError,
    IndexCorruptError,
    IndexNotReadyError,
    InvalidHistoryError,
    InvalidQuestionError,
    LLMBackendError,
)
from assistant.schema import Answer

if TYPE_CHECKING:
    import gradio
    import uvicorn

MODEL_EXTRACTIVE = "news-assistant"
MODEL_LLM = "news-assistant-llm"
_CONVERSATION_ROLES = {"user", "assistant"}
# system/developer messages and tool traffic are not part of the conversation: instructions are
# never taken from the request, only the question and the earlier turns
_IGNORED_ROLES = {"system", "developer", "tool", "function"}


class RequestError(Exception):
    """A request the API refuses, with its HTTP status and OpenAI-style error type and code."""

    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.code, self.param = status, kind, code, param

    def body(self) -> dict[str, Any]:
        return {"error": {"message": str(self), "type": self.kind, "param": self.param,
                          "code": self.code}}


@dataclass(frozen=True)
class ChatRequest:
    question: str
    history: list[tuple[str, str]]
    model: str
    answerer: str
    stream: bool
    include_usage: bool
    sources: list[str] | None
    top_k: int | None
    prompt_tokens: int


def available_models(settings: Settings) -> dict[str, str]:
    """Model id -> answerer. The LLM answerer is offered only when one is configured."""
    models = {MODEL_EXTRACTIVE: "extractive"}
    if settings.llm_model or settings.llm_model_path:
        models[MODEL_LLM] = "llm"
    return models


def message_text(content: Any) -> str:
    """The text of a message: a string, or the text parts of a list of content parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text", "") for p in content
                 if isinstance(p, dict) and p.get("type") == "text"]
        if all(isinstance(p, str) for p in parts):
            return "\n".join(parts)
    raise RequestError(400, "message content must be a string or a list of text parts",
                       param="messages")


def parse_chat_request(body: Any, settings: Settings) -> ChatRequest:
    """Validate a chat-completions body: the last message is the question, earlier user and
    assistant messages are the history, everything else is ignored."""
    if not isinstance(body, dict):
        raise RequestError(400, "the request body must be a JSON object")
    models = available_models(settings)
    # no model named: the configured answerer (Settings.answerer), as for every other surface
    configured = MODEL_LLM if settings.answerer == "llm" and MODEL_LLM in models else None
    model = body.get("model") or configured or MODEL_EXTRACTIVE
    if model not in models:
        raise RequestError(404, f"the model {model!r} does not exist; available: "
                           f"{', '.join(models)}", code="model_not_found", param="model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise RequestError(400, "messages must be a non-empty list", param="messages")
    turns: list[tuple[str, str]] = []
    for message in messages:
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise RequestError(400, "each message must be an object with a role",
                               param="messages")
        role = message["role"]
        if role in _IGNORED_ROLES:
            continue
        if role not in _CONVERSATION_ROLES:
            raise RequestError(400, f"unknown message role {role!r}", param="messages")
        turns.append((role, message_text(message.get("content"))))
    if not turns or turns[-1][0] != "user":
        raise RequestError(400, "the last message must be the user's question",
                           param="messages")
    sources = body.get("sources")
    if sources is not None and (not isinstance(sources, list)
                                or not all(isinstance(s, str) for s in sources)):
        raise RequestError(400, "sources must be a list of document ids", param="sources")
    top_k = body.get("top_k")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int)
                              or not 1 <= top_k <= 50):
        raise RequestError(400, "top_k must be an integer from 1 to 50", param="top_k")
    options = body.get("stream_options") or {}
    return ChatRequest(
        question=turns[-1][1],
        history=[t for t in turns[:-1] if t[1].strip()],
        model=model,
        answerer=models[model],
        stream=bool(body.get("stream")),
        include_usage=isinstance(options, dict) and bool(options.get("include_usage")),
        sources=sources or None,
        top_k=top_k,
        prompt_tokens=sum(count_tokens(text) for _, text in turns),
    )


def answer_request(assistant: Assistant, request: ChatRequest) -> Answer:
    try:
        return assistant.ask(request.question, request.history, sources=request.sources,
                             top_k=request.top_k, answerer=request.answerer)
    except (InvalidQuestionError, InvalidHistoryError) as exc:
        raise RequestError(400, str(exc), param="messages") from exc
    except (IndexNotReadyError, IndexBusyError) as exc:
        raise RequestError(503, str(exc), kind="server_error", code="index_not_ready") from exc
    except (IndexCorruptError, LLMBackendError) as exc:
        raise RequestError(503, str(exc), kind="server_error") from exc
    except AssistantError as exc:
        raise RequestError(500, str(exc), kind="server_error") from exc


def _answer_fields(answer: Answer) -> dict[str, Any]:
    return {"citations": [c.to_dict() for c in answer.citations],
            "abstained": answer.abstained}


def completion_body(request: ChatRequest, answer: Answer, completion_id: str,
                    created: int) -> dict[str, Any]:
    completion_tokens = count_tokens(answer.text)
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": request.model,
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": answer.text}}],
        "usage": {"prompt_tokens": request.prompt_tokens,
                  "completion_tokens": completion_tokens,
                  "total_tokens": request.prompt_tokens + completion_tokens},
        **_answer_fields(answer),
    }


def answer_pieces(text: str) -> list[str]:
    """The answer cut after each citation marker and at line breaks; the pieces join back to the
    text exactly (whitespace stays with the piece it follows)."""
    pieces = [p for p in re.split(r"(?<=\])(?=\s)|(?<=\n)", text) if p]
    return pieces or [text]


def completion_chunks(request: ChatRequest, answer: Answer, completion_id: str,
                      created: int) -> Iterator[dict[str, Any]]:
    """The stream: the role, the answer a sentence at a time, then a final chunk with the
    finish reason and the citations (and a usage chunk when asked for)."""
    head = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
            "model": request.model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                                     "logprobs": None}]}

    yield chunk({"role": "assistant", "content": ""})
    for piece in answer_pieces(answer.text):
        yield chunk({"content": piece})
    yield {**chunk({}, "stop"), **_answer_fields(answer)}
    if request.include_usage:
        tokens = count_tokens(answer.text)
        yield {**head, "choices": [], "usage": {
            "prompt_tokens": request.prompt_tokens, "completion_tokens": tokens,
            "total_tokens": request.prompt_tokens + tokens}}


def check_bearer(settings: Settings, authorization: str | None) -> None:
    """Refuse a request without the configured API key. When the web chat has a password but no
    API key is set, the API stays closed rather than open beside a protected chat."""
    if not settings.api_key:
        if settings.auth_user:
            raise RequestError(401, "the API is closed while the web chat requires a password; "
                               "set ASSISTANT_API_KEY and send it as a Bearer token",
                               code="invalid_api_key")
        return
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), settings.api_key.encode()):
        raise RequestError(401, "missing or wrong API key (send `Authorization: Bearer <key>`)",
                           code="invalid_api_key")


def build_api(settings: Settings, assistant: Assistant) -> FastAPI:
    """A FastAPI app holding the /v1 routes; the web chat is mounted on it by `serve`."""
    import anyio

    app = FastAPI(title="News Assistant API", docs_url=None, redoc_url=None, openapi_url=None)
    limiter: list[anyio.CapacityLimiter] = []

    def error_response(exc: RequestError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    async def run_limited(function: Any, *args: Any) -> Any:
        if not limiter:
            limiter.append(anyio.CapacityLimiter(settings.api_concurrency))
        return await anyio.to_thread.run_sync(function, *args, limiter=limiter[0])

    @app.get("/v1/models")
    async def list_models(request: Request) -> Response:
        try:
            check_bearer(settings, request.headers.get("authorization"))
        except RequestError as exc:
            return error_response(exc)
        data = [{"id": name, "object": "model", "created": 0, "owned_by": "news-assistant"}
                for name in available_models(settings)]
        return JSONResponse({"object": "list", "data": data})

    @app.get("/v1/models/{model}")
    async def get_model(model: str, request: Request) -> Response:
        try:
            check_bearer(settings, request.headers.get("authorization"))
            if model not in available_models(settings):
                raise RequestError(404, f"the model {model!r} does not exist",
                                   code="model_not_found", param="model")
        except RequestError as exc:
            return error_response(exc)
        return JSONResponse({"id": model, "object": "model", "created": 0,
                             "owned_by": "news-assistant"})

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        try:
            check_bearer(settings, request.headers.get("authorization"))
            body = await _read_json(request, settings.api_max_request_bytes)
            parsed = parse_chat_request(body, settings)
            answer = await run_limited(answer_request, assistant, parsed)
        except RequestError as exc:
            return error_response(exc)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        if not parsed.stream:
            return JSONResponse(completion_body(parsed, answer, completion_id, created))

        def events() -> Iterator[str]:
            for chunk in completion_chunks(parsed, answer, completion_id, created):
                yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    return app


async def _read_json(request: Request, max_bytes: int) -> Any:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise RequestError(413, f"the request is over {max_bytes:,} bytes")
    raw = bytearray()
    async for part in request.stream():
        raw += part
        if len(raw) > max_bytes:
            raise RequestError(413, f"the request is over {max_bytes:,} bytes")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestError(400, f"the request body is not valid JSON: {exc}") from exc


class RunningServer:
    """A uvicorn server started in a background thread; `close()` stops it."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, url: str) -> None:
        self.server, self.thread, self.url = server, thread, url

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def serve(settings: Settings, assistant: Assistant, blocks: gradio.Blocks, *, block: bool = True,
          **mount_options: Any) -> RunningServer | None:
    """Serve the /v1 API and the Gradio app (mounted at /) on settings.host:settings.port.
    Blocks until stopped, or with `block=False` returns the running server."""
    import gradio as gr
    import uvicorn

    app = build_api(settings, assistant)
    gr.mount_gradio_app(app, blocks, path="/", server_name=settings.host,
                        server_port=settings.port, **mount_options)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                            access_log=False, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    if block:
        server.run()
        return None
    thread = threading.Thread(target=server.run, name="assistant-http", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise OSError(f"the server could not start on {settings.host}:{settings.port} "
                          "(is the port in use?)")
        time.sleep(0.05)
    return RunningServer(server, thread, f"http://{settings.host}:{settings.port}/")
