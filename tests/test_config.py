from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import SettingsError


def test_precedence_defaults_toml_env_overrides(tmp_path):
    config = tmp_path / "assistant.toml"
    config.write_text('[assistant]\nchunk_size = 300\ntop_k = 5\ncorpus_paths = ["a", "b"]\n')
    env = {"ASSISTANT_TOP_K": "6", "ASSISTANT_SHOW_UNSUPPORTED": "yes", "OTHER": "x"}
    settings = Settings.load(config_file=config, env=env, index_dir=str(tmp_path / "i"))
    assert settings.chunk_size == 300  # from the file
    assert settings.top_k == 6  # the environment beats the file
    assert settings.show_unsupported is True
    assert settings.corpus_paths == ("a", "b")
    assert settings.index_dir == tmp_path / "i"  # explicit overrides beat everything
    assert Settings.load(config_file=None, env={}).chunk_overlap == Settings().chunk_overlap


def test_env_config_file_and_index_dir(tmp_path):
    config = tmp_path / "custom.toml"
    config.write_text("rrf_k = 7\n")
    settings = Settings.load(env={"ASSISTANT_CONFIG": str(config),
                                  "ASSISTANT_INDEX_DIR": str(tmp_path)})
    assert settings.rrf_k == 7 and settings.index_dir == Path(tmp_path)


@pytest.mark.parametrize(("env", "message"), [
    ({"ASSISTANT_TOP_K": "many"}, "top_k"),
    ({"ASSISTANT_CONFIG": "/nonexistent/assistant.toml"}, "cannot read"),
])
def test_bad_settings_are_clear_errors(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.load(env=env)


def test_unknown_keys_and_secret_repr(tmp_path):
    config = tmp_path / "a.toml"
    config.write_text("chunk_sise = 10\n")
    with pytest.raises(SettingsError, match="chunk_sise"):
        Settings.load(config_file=config, env={})
    assert "hunter2" not in repr(Settings(llm_api_key="hunter2"))
