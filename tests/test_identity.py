"""catalog.identity: one model key and one provider key per model and provider, whichever source
names them. Identifiers come from the real documents of ../shared/data (copied here, never read
at run time) and from the sitegen site built from LiteLLM's price map."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog import identity
from catalog.identity import (
    aliases,
    model_key,
    model_key_genai_prices,
    model_key_litellm,
    model_key_modelslab,
    model_key_openrouter,
    normalise_key,
    provider_key,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "identity"
KEY = re.compile(r"[a-z0-9][a-z0-9._:@+-]*/[a-z0-9][a-z0-9._:@+-]*")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# --- ModelsLab: <creator>-<model>, the page's creator says where the creator ends -----------------

@pytest.mark.parametrize(("model_id", "creator", "key"), [
    ("meta-llama-llama-3.2-1b-instruct", "meta-llama", "meta-llama/llama-3.2-1b-instruct"),  # the seed page
    ("meta-llama-Llama-3.1-405B", "meta-llama", "meta-llama/llama-3.1-405b"),
    ("Qwen-Qwen3-14B", "Qwen", "qwen/qwen3-14b"),
    ("ByteDance-Seed-1.8", "ByteDance", "bytedance/seed-1.8"),
    ("deepseek-ai-DeepSeek-R1-Distill-Llama-70B", "deepseek-ai", "deepseek/deepseek-r1-distill-llama-70b"),
    ("zai-org-GLM-5.1", "zai-org", "z-ai/glm-5.1"),
    ("MiniMaxAI-MiniMax-M2.5", "MiniMaxAI", "minimax/minimax-m2.5"),
    ("meta-llama-3.1-8b", "meta", "meta-llama/llama-3.1-8b"),
    ("fireworks-llama-v3p1-8b-instruct", "fireworks", "fireworks/llama-v3p1-8b-instruct"),
    ("fal-ai-flux-dev", "fal-ai", "fal-ai/flux-dev"),
    ("anthropic-claude-opus-4.6", "anthropic", "anthropic/claude-opus-4.6"),
    ("anthropic-claude-4-sonnet", "anthropic", "anthropic/claude-sonnet-4"),        # Claude's one spelling
    # a flattened Fireworks resource name: "accounts" is no creator, the account is
    ("accounts-fireworks-routers-glm-5p1-fast", "accounts", "fireworks/glm-5p1-fast"),
    ("accounts-fireworks-models-llama-v3p1-8b-instruct", "accounts", "fireworks/llama-v3p1-8b-instruct"),
    ("accounts-my-org-routers-kimi-k3", "accounts", "my-org/kimi-k3"),
    ("accounts-fireworks-deployments-x", "accounts", "accounts/fireworks-deployments-x"),
    # a qualifier is no creator: what follows the qualifiers names one the aliases file knows...
    ("high-1024-x-1024-openai-gpt-image-2", "high", "openai/gpt-image-2"),
    ("xhigh-1024-x-768-openai-gpt-image-2.5-flare-edit", "xhigh", "openai/gpt-image-2.5-flare-edit"),
    ("max-3840-x-2160-openai-gpt-image-2-edit", "max", "openai/gpt-image-2-edit"),
    ("medium-us-east-1-meta-llama-llama-3.2-1b", "medium", "meta-llama/llama-3.2-1b"),  # the longest
    # ...or is a model family's
    ("low-1024-x-1024-gpt-image-2", "low", "openai/gpt-image-2"),
    # else no key
    ("low-1024-x-1024-acme-image-2", "low", None),
    ("high-1024-x-1024", "high", None),
    ("together-together-ai-up-to-4b", "together", "together/together-ai-up-to-4b"),
    ("  Qwen-Qwen3-14B ", " Qwen ", "qwen/qwen3-14b"),
    ("meta-llama/llama-3.2-1b-instruct", "meta-llama", "meta-llama/llama-3.2-1b-instruct"),
    ("modelslab-gpt-image-2", "modelslab", "openai/gpt-image-2"),   # the aliases file
    ("modelslab-gpt-image-2", None, "openai/gpt-image-2"),
    ("nim-meta-llama-3.1-8b-instruct", "meta-llama", None),           # does not start with its creator
    ("meta-llama-llama-3.2-1b-instruct", None, None),                 # no creator
    ("meta-llama-llama-3.2-1b-instruct", "", None),
    ("meta-llama", "meta-llama", None),                                # nothing after the creator
    ("meta-llama-", "meta-llama", None),
    ("meta-llamax-3", "meta-llama", None),                             # a longer word, not the creator
])
def test_modelslab_model_keys(model_id, creator, key):
    assert model_key_modelslab(model_id, creator) == key


# --- LiteLLM: provider routes, creator/model, bare names ------------------------------------------

@pytest.mark.parametrize(("litellm_key", "provider", "key"), [
    ("together_ai/meta-llama/Llama-3.2-3B-Instruct-Turbo",
     "together_ai", "meta-llama/llama-3.2-3b-instruct-turbo"),
    ("together_ai/together/Tev1-4B-experimental", "together_ai", "together/tev1-4b-experimental"),
    ("together-ai-up-to-4b", "together_ai", "together/together-ai-up-to-4b"),
    ("deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct", "deepinfra", "meta-llama/meta-llama-3.1-8b-instruct"),
    ("deepinfra/deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
     "deepinfra", "deepseek/deepseek-r1-distill-llama-70b"),
    ("nebius/deepseek-ai/DeepSeek-R1", "nebius", "deepseek/deepseek-r1"),
    ("novita/deepseek/deepseek-v3/community", "novita", "deepseek/deepseek-v3-community"),
    ("fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct",
     "fireworks_ai", "fireworks/llama-v3p1-8b-instruct"),
    ("fireworks_ai/accounts/fireworks/routers/glm-5p1-fast", "fireworks_ai", "fireworks/glm-5p1-fast"),
    ("fireworks_ai/glm-5p1-fast", "fireworks_ai", "fireworks/glm-5p1-fast"),
    ("fireworks-ai-4.1b-to-16b", "fireworks_ai", "fireworks/fireworks-ai-4.1b-to-16b"),
    ("fireworks_ai/WhereIsAI/UAE-Large-V1", "fireworks_ai-embedding-models", "whereisai/uae-large-v1"),
    ("vercel_ai_gateway/meta/llama-3.1-8b", "vercel_ai_gateway", "meta-llama/llama-3.1-8b"),
    ("fal_ai/fal-ai/flux/dev", "fal_ai", "fal-ai/flux-dev"),
    ("fal_ai/fal-ai/bytedance/seedream/v3/text-to-image",
     "fal_ai", "fal-ai/bytedance-seedream-v3-text-to-image"),
    # qualifiers (quality, size) are no creator at any provider
    ("fal_ai/high/1024-x-1024/openai/gpt-image-2", "fal_ai", "openai/gpt-image-2"),
    ("fal_ai/medium/1024-x-768/openai/gpt-image-2", "fal_ai", "openai/gpt-image-2"),
    ("fal_ai/max/1024-x-768/openai/gpt-image-2.5/flare/text-to-image",
     "fal_ai", "openai/gpt-image-2.5-flare-text-to-image"),
    ("fal_ai/low/1024-x-1024/gpt-image-2", "fal_ai", "openai/gpt-image-2"),      # a model family
    ("fal_ai/gpt-image-2", "fal_ai", "openai/gpt-image-2"),                # the aliases file
    ("openrouter/anthropic/claude-3.5-sonnet", "openrouter", "anthropic/claude-3.5-sonnet"),
    ("openrouter/meta-llama/llama-3.1-8b-instruct:free", "openrouter", "meta-llama/llama-3.1-8b-instruct"),
    ("gpt-4o", "openai", "openai/gpt-4o"),
    ("high/1024-x-1024/gpt-image-1.5", "openai", "openai/gpt-image-1.5"),
    ("babbage-002", "text-completion-openai", "openai/babbage-002"),
    ("claude-haiku-4-5-20251001", "anthropic", "anthropic/claude-haiku-4.5-20251001"),
    ("azure/eu/gpt-4o-2024-08-06", "azure", "openai/gpt-4o-2024-08-06"),
    ("azure/hd/1024-x-1024/dall-e-3", "azure", "openai/dall-e-3"),
    # a model family's name says its creator, before the provider's implied creator
    ("azure/mistral-large-2402", "azure", "mistralai/mistral-large-2402"),
    ("codestral/codestral-2405", "codestral", "mistralai/codestral-2405"),
    ("text-completion-codestral/codestral-latest", "text-completion-codestral", "mistralai/codestral-latest"),
    ("azure_ai/claude-haiku-4-5", "azure_ai", "anthropic/claude-haiku-4.5"),
    ("snowflake/claude-4-sonnet", "snowflake", "anthropic/claude-sonnet-4"),
    ("vertex_ai/gemini-3-pro-preview", "vertex_ai", "google/gemini-3-pro-preview"),
    ("cerebras/gemma-4-31b", "cerebras", "google/gemma-4-31b"),
    ("groq/mistral-saba-24b", "groq", "mistralai/mistral-saba-24b"),
    ("aihubmix/grok-4.6", "aihubmix", "x-ai/grok-4.6"),
    ("aihubmix/claudette-7b", "aihubmix", None),                           # not the family's word
    ("azure_ai/phi-4", "azure_ai", None),                                  # Azure AI sells many creators' models
    # ...but not inside a provider's own namespace (Fireworks' accounts/fireworks)
    ("fireworks_ai/gemma-3-27b-it", "fireworks_ai", "fireworks/gemma-3-27b-it"),
    ("azure/speech/azure-stt", "azure", "azure/azure-stt"),               # a route; the provider's own name
    ("xai/grok-4.20-multi-agent-beta-0309", "xai", "x-ai/grok-4.20-multi-agent-beta-0309"),
    ("low/1024-x-1024/grok-imagine-image-2.0", "xai", "x-ai/grok-imagine-image-2.0"),
    ("gemini/gemini-2.5-flash", "gemini", "google/gemini-2.5-flash"),
    ("gemini-2.5-flash", "vertex_ai-language-models", "google/gemini-2.5-flash"),
    ("vertex_ai/claude-3-5-haiku", "vertex_ai-anthropic_models", "anthropic/claude-3.5-haiku"),
    ("vertex_ai/claude-opus-4-6@default", "vertex_ai-anthropic_models", "anthropic/claude-opus-4.6"),
    ("vertex_ai/claude-3-5-sonnet@20240620", "vertex_ai-anthropic_models", "anthropic/claude-3.5-sonnet-20240620"),
    ("vertex_ai/meta/llama-3.1-405b-instruct-maas",
     "vertex_ai-llama_models", "meta-llama/llama-3.1-405b-instruct-maas"),
    ("vertex_ai/mistralai/codestral-2@001", "vertex_ai-mistral_models", "mistralai/codestral-2@001"),
    # plain vertex_ai also sells Mistral's
    ("vertex_ai/jamba-1.5-large", "vertex_ai", None),
    ("mistral/codestral-2508", "mistral", "mistralai/codestral-2508"),
    ("ai21.j2-mid-v1", "bedrock", "ai21/j2-mid-v1"),
    ("us.writer.palmyra-x4-v1:0", "bedrock_converse", "writer/palmyra-x4-v1:0"),
    ("bedrock/ap-northeast-1/anthropic.claude-instant-v1", "bedrock", "anthropic/claude-instant-v1"),
    ("bedrock/*/1-month-commitment/cohere.command-light-text-v14",
     "bedrock", "cohere/command-light-text-v14"),
    ("1024-x-1024/50-steps/bedrock/amazon.nova-canvas-v1:0", "bedrock", "amazon/nova-canvas-v1:0"),
    ("bedrock_mantle/us-gov-west-1/openai.gpt-5.6-terra", "bedrock_mantle", "openai/gpt-5.6-terra"),
    ("bedrock/guardrails", "bedrock", None),
    ("anthropic.claude-opus-4-6-v1", "bedrock_converse", "anthropic/claude-opus-4.6"),
    ("bedrock/us-gov-east-1/claude-sonnet-4-5-20250929-v1:0", "bedrock", "anthropic/claude-sonnet-4.5-20250929"),
    ("bedrock/eu-west-3/mistral.mistral-7b-instruct-v0:2", "bedrock", "mistralai/mistral-7b-instruct-v0:2"),
    # route segments of a provider (the aliases file) are no creator
    ("bedrock/claude_platform/claude-sonnet-5", "bedrock", "anthropic/claude-sonnet-5"),
    ("bedrock/invoke/anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock", "anthropic/claude-3.5-sonnet-20240620"),
    ("deepgram/streaming/nova-3", "deepgram", None),
    ("nvidia_nim/ranking/nvidia/llama-3.2-nv-rerankqa-1b-v2", "nvidia_nim", "nvidia/llama-3.2-nv-rerankqa-1b-v2"),
    ("perplexity/preset/pro-search", "perplexity", "perplexity/pro-search"),
    ("pinstripes/ps/glm-4.5-air", "pinstripes", None),
    ("azure_ai/doc-intelligence/prebuilt-read", "azure_ai", None),
    ("together_ai/streaming/some-model", "together_ai", "streaming/some-model"),  # another provider's route
    ("oci/meta.llama-3.1-8b-instruct", "oci", "meta-llama/llama-3.1-8b-instruct"),
    ("cloudflare/@cf/meta/llama-3.1-8b-instruct", "cloudflare", "meta-llama/llama-3.1-8b-instruct"),
    ("groq/meta-llama/llama-prompt-guard-2-22m", "groq", "meta-llama/llama-prompt-guard-2-22m"),
    ("groq/whisper-large-v3", "groq", None),                              # Groq sells many creators' models
    ("aihubmix/agnes-2.5-flash", "aihubmix", None),
    ("replicate/meta/llama-2-13b", "replicate", "meta-llama/llama-2-13b"),
    ("moonshot/kimi-k2.7-code", "moonshot", "moonshotai/kimi-k2.7-code"),
    ("zai/glm-5", "zai", "z-ai/glm-5"),
    ("claude-sonnet-latest", None, "anthropic/claude-sonnet-latest"),     # no provider, a family's
    ("nova-sonic-latest", None, None),                                    # no provider, bare
    ("azure/gpt-astra-latest", None, "openai/gpt-astra-latest"),          # no provider: the first segment is
    ("together_ai/deepseek-pro-latest", None, None),
    ("sample_spec", "one of https://docs.litellm.ai/docs/providers", None),
])
def test_litellm_model_keys(litellm_key, provider, key):
    assert model_key_litellm(litellm_key, provider) == key


# --- OpenRouter: the id, without variants -----------------------------------------------------------

@pytest.mark.parametrize(("model_id", "slug", "hf", "key"), [
    ("meta-llama/llama-3.2-1b-instruct",
     "meta-llama/llama-3.2-1b-instruct", "meta-llama/Llama-3.2-1B-Instruct",
     "meta-llama/llama-3.2-1b-instruct"),
    # the id, not the weights repository: genai-prices and LiteLLM name OpenRouter's offering so
    ("meta-llama/llama-3.1-8b-instruct",
     "meta-llama/llama-3.1-8b-instruct", "meta-llama/Meta-Llama-3.1-8B-Instruct",
     "meta-llama/llama-3.1-8b-instruct"),
    ("deepseek/deepseek-v4-flash-0731",
     "deepseek/deepseek-v4-flash-20260731", "deepseek-ai/DeepSeek-V4-Flash-0731",
     "deepseek/deepseek-v4-flash-0731"),
    ("anthropic/claude-sonnet-4.5",
     "anthropic/claude-4.5-sonnet-20250929", "", "anthropic/claude-sonnet-4.5"),
    ("nvidia/nemotron-3-nano-30b-a3b:free",
     "nvidia/nemotron-3-nano-30b-a3b", "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16",
     "nvidia/nemotron-3-nano-30b-a3b"),
    ("qwen/qwen-plus-2025-07-28:thinking", "qwen/qwen-plus-2025-07-28", None, "qwen/qwen-plus-2025-07-28"),
    ("~anthropic/claude-sonnet-latest",
     "~anthropic/claude-sonnet-latest", None, "anthropic/claude-sonnet-latest"),
    ("z-ai/glm-5.2", "z-ai/glm-5.2-20260616", "zai-org/GLM-5.2", "z-ai/glm-5.2"),
    ("x-ai/grok-4.5", "x-ai/grok-4.5-20260708", None, "x-ai/grok-4.5"),
    ("", "qwen/qwen3.7-flash-20260727", None, "qwen/qwen3.7-flash-20260727"),       # no id: the slug
    # nor slug: the repository
    ("", None, "Qwen/Qwen3.6-27B", "qwen/qwen3.6-27b"),
    ("", None, None, None),
    ("auto", None, None, None),
])
def test_openrouter_model_keys(model_id, slug, hf, key):
    assert model_key_openrouter(model_id, slug, hf) == key


# --- genai-prices: provider id and model id ----------------------------------------------------------

@pytest.mark.parametrize(("provider", "model_id", "key"), [
    ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "meta-llama/llama-3.3-70b-instruct-turbo"),
    ("huggingface_groq", "Qwen/Qwen3-32B", "qwen/qwen3-32b"),
    ("novita", "deepseek/deepseek-r1", "deepseek/deepseek-r1"),
    ("doubleword", "Qwen/Qwen3-14B-FP8", "qwen/qwen3-14b-fp8"),
    ("groq", "meta-llama/llama-4-scout-17b-16e-instruct", "meta-llama/llama-4-scout-17b-16e-instruct"),
    ("fireworks", "deepseek-r1-0528", "fireworks/deepseek-r1-0528"),
    ("anthropic", "claude-3-5-sonnet", "anthropic/claude-3.5-sonnet"),
    ("anthropic", "claude-opus-4-6", "anthropic/claude-opus-4.6"),
    ("anthropic", "claude-opus-4-0", "anthropic/claude-opus-4"),
    ("anthropic", "claude-2", "anthropic/claude-2"),
    ("openai", "gpt-4o", "openai/gpt-4o"),
    ("x-ai", "grok-3", "x-ai/grok-3"),
    ("deepseek", "deepseek-chat", "deepseek/deepseek-chat"),
    ("mistral", "codestral-2508", "mistralai/codestral-2508"),
    ("moonshotai", "kimi-k2.5", "moonshotai/kimi-k2.5"),
    ("minimax", "MiniMax-M2.7", "minimax/minimax-m2.7"),
    ("aws", "global.anthropic.claude-opus-4-5-v1:0", "anthropic/claude-opus-4.5"),
    ("aws", "anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic/claude-3.5-sonnet-20241022"),
    ("aws", "anthropic.claude-v2:1", "anthropic/claude-v2:1"),            # Claude 2.1: "v2:1" is its version
    ("aws", "meta.llama3-1-8b-instruct-v1:0", "meta-llama/llama3-1-8b-instruct-v1:0"),  # only Claude's dropped
    ("openrouter", "meta-llama/llama-3.2-1b-instruct", "meta-llama/llama-3.2-1b-instruct"),
    ("openrouter", "agentica-org/deepcoder-14b-preview:free", "agentica-org/deepcoder-14b-preview"),
    ("openrouter", "anthropic/claude-opus-4.6", "anthropic/claude-opus-4.6"),
    # genai-prices drops the creator of some OpenRouter ids: only a model family tells it
    ("openrouter", "claude-3.5-sonnet", "anthropic/claude-3.5-sonnet"),
    ("openrouter", "gemini-2.0-flash-001", "google/gemini-2.0-flash-001"),
    ("openrouter", "mistral-7b-instruct:free", "mistralai/mistral-7b-instruct"),
    ("openrouter", "llama-3.1-lumimaid-70b", None),                        # NeverSleep's, named after Llama
    ("openrouter", "qwq-32b", None),
    # google implies no creator (it sells Claude too); its names say whose they are
    ("google", "gemini-2.5-pro", "google/gemini-2.5-pro"),
    ("google", "gemma-3", "google/gemma-3"),
    ("google", "claude-opus-4-6", "anthropic/claude-opus-4.6"),
    ("google", "claude-4-opus", "anthropic/claude-opus-4"),
    ("google", "imagen-4", None),
    ("zhipuai", "GLM-5.1", "z-ai/glm-5.1"),
    ("fireworks", "gemma-3-27b-it", "fireworks/gemma-3-27b-it"),          # Fireworks' namespace first
    ("groq", "gemma2-9b-it", "google/gemma2-9b-it"),
    ("azure", "phi-4", None),
    ("cerebras", "gpt-oss-120b", None),
    ("groq", "llama-3.1-8b-instant", None),
    ("openai", "", None),
])
def test_genai_prices_model_keys(provider, model_id, key):
    assert model_key_genai_prices(provider, model_id) == key


def test_the_same_offering_gets_one_key_in_every_source():
    """OpenRouter's Llama 3.2 1B as OpenRouter, genai-prices and LiteLLM name it; the same model at
    DeepInfra in LiteLLM and at Together in genai-prices; Claude at Anthropic in both."""
    openrouter = {
        model_key_openrouter("meta-llama/llama-3.2-1b-instruct", "meta-llama/llama-3.2-1b-instruct",
                             "meta-llama/Llama-3.2-1B-Instruct"),
        model_key_genai_prices("openrouter", "meta-llama/llama-3.2-1b-instruct"),
        model_key_litellm("openrouter/meta-llama/llama-3.2-1b-instruct", "openrouter"),
        model_key_modelslab("meta-llama-llama-3.2-1b-instruct", "meta-llama"),
    }
    assert openrouter == {"meta-llama/llama-3.2-1b-instruct"}
    hosted = {
        model_key_litellm("deepinfra/deepseek-ai/DeepSeek-R1-0528", "deepinfra"),
        model_key_genai_prices("huggingface_sambanova", "deepseek-ai/DeepSeek-R1-0528"),
        model_key_openrouter("deepseek/deepseek-r1-0528", "deepseek/deepseek-r1-0528",
                             "deepseek-ai/DeepSeek-R1-0528"),
    }
    assert hosted == {"deepseek/deepseek-r1-0528"}
    assert model_key_litellm("claude-3-haiku-20240307", "anthropic") == model_key_genai_prices(
        "anthropic", "claude-3-haiku-20240307") == "anthropic/claude-3-haiku-20240307"


# --- Claude: one spelling, whoever writes it ---------------------------------------------------------

@pytest.mark.parametrize(("text", "key"), [
    ("anthropic/claude-opus-4.6", "anthropic/claude-opus-4.6"),            # OpenRouter's spelling is the one
    ("anthropic/claude-opus-4-6", "anthropic/claude-opus-4.6"),            # Anthropic's API
    ("anthropic/claude-opus-4-6-v1", "anthropic/claude-opus-4.6"),         # Bedrock revisions
    ("anthropic/claude-opus-4-6-v1:0", "anthropic/claude-opus-4.6"),
    ("anthropic/claude-3-5-sonnet-20241022-v2:0", "anthropic/claude-3.5-sonnet-20241022"),
    ("anthropic/claude-opus-4-6@default", "anthropic/claude-opus-4.6"),    # Vertex's default version
    ("anthropic/claude-3-5-sonnet@20240620", "anthropic/claude-3.5-sonnet-20240620"),  # a date is a version
    ("anthropic/claude-3-5-sonnet-v2@20241022", "anthropic/claude-3.5-sonnet-20241022"),
    ("anthropic/claude-haiku-4-5@20251001", "anthropic/claude-haiku-4.5-20251001"),
    ("anthropic/claude-opus-4-20250514-v1:0", "anthropic/claude-opus-4-20250514"),  # 8 digits: no minor
    ("anthropic/claude-opus-4-0", "anthropic/claude-opus-4"),              # 4.0 is 4
    ("anthropic/claude-4-opus", "anthropic/claude-opus-4"),                # the tier first from Claude 4 on
    ("anthropic/claude-4.5-haiku", "anthropic/claude-haiku-4.5"),
    ("anthropic/claude-3-haiku-20240307", "anthropic/claude-3-haiku-20240307"),  # Claude 3: version first
    ("anthropic/claude-3-7-sonnet-latest", "anthropic/claude-3.7-sonnet-latest"),
    ("anthropic/claude-opus-4-8-think", "anthropic/claude-opus-4.8-think"),
    ("anthropic/claude-instant-1-2", "anthropic/claude-instant-1.2"),
    ("Anthropic/Claude-Sonnet-4-5", "anthropic/claude-sonnet-4.5"),
    # names without a version number are left as they are
    ("anthropic/claude-2", "anthropic/claude-2"),
    ("anthropic/claude-instant-v1", "anthropic/claude-instant-v1"),
    ("anthropic/claude-v2:1", "anthropic/claude-v2:1"),
    ("anthropic/claude-opus-latest", "anthropic/claude-opus-latest"),
    # only Claude: other creators' dots, hyphens and suffixes are theirs
    ("meta-llama/llama-3.2-1b-instruct", "meta-llama/llama-3.2-1b-instruct"),
    ("meta-llama/llama-3-2-1b-instruct", "meta-llama/llama-3-2-1b-instruct"),
    ("mistralai/mistral-7b-instruct-v0:2", "mistralai/mistral-7b-instruct-v0:2"),
    ("mistralai/codestral-2@001", "mistralai/codestral-2@001"),
    ("openrouter/claude-opus-4-6", "openrouter/claude-opus-4-6"),
])
def test_claude_has_one_spelling(text, key):
    assert model_key(text) == key


def test_different_claude_models_keep_different_keys():
    """A date, a minor version and a tier each name another model; so do Claude 2 and 2.1."""
    names = ["claude-3-5-sonnet", "claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20241022", "claude-3-sonnet",
             "claude-3-7-sonnet", "claude-opus-4", "claude-opus-4-1", "claude-opus-4-20250514", "claude-sonnet-4",
             "claude-opus-4-6", "claude-opus-4-6-20260205", "claude-opus-4-6-fast", "claude-2", "claude-v2:1"]
    keys = [model_key(f"anthropic/{name}") for name in names]
    assert len(set(keys)) == len(names)


def test_claude_opus_4_6_gets_one_key_in_every_source():
    """Every spelling of Claude Opus 4.6 in the three documents and on a ModelsLab page (the reviewer
    found five keys for it: -4.6, -4-6, -4-6-v1, -4-6-v1:0, -4-6@default)."""
    keys = {
        model_key_openrouter("anthropic/claude-opus-4.6", "anthropic/claude-4.6-opus-20260205", None),
        model_key_litellm("claude-opus-4-6", "anthropic"),
        model_key_litellm("vertex_ai/claude-opus-4-6", "vertex_ai-anthropic_models"),
        model_key_litellm("vertex_ai/claude-opus-4-6@default", "vertex_ai-anthropic_models"),
        model_key_litellm("anthropic.claude-opus-4-6-v1", "bedrock_converse"),
        model_key_litellm("global.anthropic.claude-opus-4-6-v1", "bedrock_converse"),
        model_key_litellm("bedrock/claude_platform/claude-opus-4-6", "bedrock"),
        model_key_litellm("azure_ai/claude-opus-4-6", "azure_ai"),
        model_key_litellm("perplexity/anthropic/claude-opus-4-6", "perplexity"),
        model_key_litellm("vercel_ai_gateway/anthropic/claude-opus-4.6", "vercel_ai_gateway"),
        model_key_genai_prices("anthropic", "claude-opus-4-6"),
        model_key_genai_prices("aws", "anthropic.claude-opus-4-6-v1:0"),
        model_key_genai_prices("google", "claude-opus-4-6"),
        model_key_genai_prices("openrouter", "anthropic/claude-opus-4.6"),
        model_key_modelslab("anthropic-claude-opus-4.6", "anthropic"),
    }
    assert keys == {"anthropic/claude-opus-4.6"}
    # the dated snapshot is kept apart
    assert model_key_litellm("claude-opus-4-6-20260205", "anthropic") == "anthropic/claude-opus-4.6-20260205"


def test_gemini_at_google_gets_litellm_s_key():
    assert model_key_genai_prices("google", "gemini-2.5-pro") == model_key_litellm(
        "gemini/gemini-2.5-pro", "gemini") == model_key_litellm(
        "gemini-2.5-pro", "vertex_ai-language-models") == "google/gemini-2.5-pro"


# --- the real documents: every identifier of ../shared/data's copies (tests/fixtures/identity) ------------

#: path segments that qualify or route a request: never a creator
NOT_CREATORS = {"low", "medium", "high", "xhigh", "max", "hd", "standard", "eu", "us", "global", "accounts",
                "invoke", "claude_platform", "streaming", "ranking", "speech", "preset", "doc-intelligence", "ps",
                "routers", "models"}


def _document_keys() -> dict[str, dict[str, str | None]]:
    with (FIXTURES / "document_identifiers.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))
    keys: dict[str, dict[str, str | None]] = {"openrouter": {}, "litellm": {}, "genai-prices": {}}
    for r in rows:
        if r["source"] == "openrouter":
            keys["openrouter"][r["identifier"]] = model_key_openrouter(
                r["identifier"], r["canonical_slug"], r["hugging_face_id"])
        elif r["source"] == "litellm":
            keys["litellm"][r["identifier"]] = model_key_litellm(r["identifier"], r["provider"])
        else:
            keys["genai-prices"][f"{r['provider']}/{r['identifier']}"] = model_key_genai_prices(
                r["provider"], r["identifier"])
    return keys


def test_no_document_key_takes_a_qualifier_or_a_route_for_its_creator():
    """Before: 238 LiteLLM keys did (fal_ai's low/medium/high/xhigh/max 174, accounts 21,
    claude_platform 14, streaming 7, ps 6, preset 4, speech 3, doc-intelligence 3, invoke 1, ranking 1),
    and codestral's 4 took the provider for their creator."""
    bad = sorted((source, identifier, key) for source, table in _document_keys().items()
                 for identifier, key in table.items()
                 if key and (key.split("/")[0] in NOT_CREATORS or identity._QUALIFIER.fullmatch(key.split("/")[0])
                             or key.split("/")[0] == "codestral"))
    assert bad == []


def test_the_documents_keys_and_what_they_share():
    """How many identifiers get a key and how many keys two or three sources share (before these
    rules: LiteLLM 3,582, genai-prices 1,135; 337 keys in two sources, 197 in three)."""
    keys = _document_keys()
    keyed = {source: (sum(k is not None for k in table.values()), len(table)) for source, table in keys.items()}
    assert keyed == {"openrouter": (336, 336), "litellm": (3781, 4877), "genai-prices": (1247, 1442)}
    sets = [{k for k in table.values() if k} for table in keys.values()]
    shared = [sum(k in s for s in sets) for k in set().union(*sets)]
    assert (shared.count(2), shared.count(3)) == (334, 208)


def test_every_claude_key_of_the_documents_is_in_the_one_spelling():
    """No two Claude keys differ only by '.' for '-' or by a Bedrock/Vertex suffix (before: 69 keys in
    27 such groups; Claude Opus 4.6 alone had five)."""
    claude = {k for table in _document_keys().values() for k in table.values() if k and k.startswith("anthropic/claude")}
    groups: dict[str, set[str]] = {}
    for key in claude:
        groups.setdefault(re.sub(r"(-v\d+(:\d+)?|@default)$", "", key).replace(".", "-").replace("@", "-"), set()).add(key)
    assert {name: keys for name, keys in groups.items() if len(keys) > 1} == {
        "anthropic/claude": {"anthropic/claude-v1", "anthropic/claude-v2:1"},  # Claude 1 and Claude 2.1
    }
    assert all(model_key(key) == key for key in claude)


# --- providers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "names"), [
    ("openrouter", [("modelslab", "open_router"), ("litellm", "openrouter"), ("genai-prices", "openrouter")]),
    ("together", [("modelslab", "together_ai"), ("litellm", "together_ai"), ("genai-prices", "together")]),
    ("deepinfra", [("modelslab", "deepinfra"), ("litellm", "deepinfra")]),
    ("fireworks", [("modelslab", "fireworks_ai"), ("litellm", "fireworks_ai"), ("genai-prices", "fireworks"),
                   ("litellm", "fireworks_ai-embedding-models")]),
    ("novita", [("modelslab", "novita"), ("litellm", "novita"), ("genai-prices", "novita")]),
    ("nebius", [("modelslab", "nebius"), ("litellm", "nebius")]),
    ("modelslab", [("modelslab", "modelslab")]),
    ("fal", [("litellm", "fal_ai")]),
    ("vercel-ai-gateway", [("litellm", "vercel_ai_gateway")]),
    ("openai", [("litellm", "openai"), ("litellm", "text-completion-openai"), ("genai-prices", "openai")]),
    ("anthropic", [("litellm", "anthropic"), ("genai-prices", "anthropic")]),
    ("xai", [("litellm", "xai"), ("genai-prices", "x-ai")]),
    ("google", [("litellm", "gemini"), ("litellm", "vertex_ai"), ("litellm", "vertex_ai-anthropic_models"),
                ("litellm", "vertex_ai-language-models"), ("genai-prices", "google")]),
    ("bedrock", [("litellm", "bedrock"), ("litellm", "bedrock_converse"), ("litellm", "bedrock_mantle"),
                 ("genai-prices", "aws")]),
    ("azure",
     [("litellm", "azure"), ("litellm", "azure_ai"), ("litellm", "azure_text"), ("genai-prices", "azure")]),
    ("mistral", [("litellm", "mistral"), ("genai-prices", "mistral")]),
    ("codestral", [("litellm", "codestral"), ("litellm", "text-completion-codestral")]),
    ("cohere", [("litellm", "cohere"), ("litellm", "cohere_chat"), ("genai-prices", "cohere")]),
    ("moonshot", [("litellm", "moonshot"), ("genai-prices", "moonshotai")]),
    ("voyage", [("litellm", "voyage"), ("genai-prices", "voyageai")]),
    ("meta", [("litellm", "meta"), ("litellm", "meta_llama")]),
    ("amazon-nova", [("litellm", "amazon_nova"), ("litellm", "amazon-nova")]),
    ("huggingface-groq", [("genai-prices", "huggingface_groq")]),
    ("groq", [("litellm", "groq"), ("genai-prices", "groq"), ("litellm", " Groq ")]),
])
def test_provider_keys(key, names):
    assert {provider_key(source, name) for source, name in names} == {key}


def test_different_providers_keep_different_keys():
    """A router is not the providers it routes to, nor another router; one company's two platforms
    with their own price lists (Z.ai and Zhipu's bigmodel.cn) stay apart."""
    pairs = [("litellm", "vercel_ai_gateway"), ("litellm", "openrouter"), ("litellm", "fal_ai"),
             ("modelslab", "modelslab"), ("litellm", "openai"), ("litellm", "azure"), ("litellm", "zai"),
             ("genai-prices", "zhipuai"), ("litellm", "together_ai"),
             ("genai-prices", "huggingface_together")]
    keys = [provider_key(source, name) for source, name in pairs]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("name", [None, "", "   ", "---", "ñ", "x" * 256])
def test_a_provider_name_without_a_key_is_none(name):
    assert provider_key("litellm", name) is None


def test_provider_key_at_the_length_limit():
    assert provider_key("litellm", "x" * 255) == "x" * 255
    assert provider_key("litellm", "together_ai" + "x" * 300) is None


# --- the sitegen site and the litellm source agree ---------------------------------------------------

def _sitegen_rows() -> list[dict[str, str]]:
    with (FIXTURES / "sitegen_offerings.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))


def test_every_sitegen_offering_gets_its_litellm_entry_s_model_key():
    """Every page of the site built from LiteLLM's price map (1,028 offerings, sitegen epoch 0)
    and the LiteLLM entry it came from get the same model key, and none is None."""
    rows = _sitegen_rows()
    assert len(rows) == 1028
    disagree = []
    for r in rows:
        page = model_key_modelslab(r["model_id"], r["creator"])
        entry = model_key_litellm(r["litellm_key"], r["litellm_provider"])
        if page is None or page != entry:
            disagree.append((r["model_id"], page, entry))
    assert disagree == []


def test_no_sitegen_key_takes_a_qualifier_or_a_route_for_its_creator():
    """The site names the creator of fal_ai's quality/size variants "high", "low"... and of Fireworks'
    routers "accounts" (174 + 17 pages): those keys name the model's creator instead."""
    rows = _sitegen_rows()
    creators = {model_key_modelslab(r["model_id"], r["creator"]).split("/")[0] for r in rows}
    assert creators & NOT_CREATORS == set()
    high = [r for r in rows if r["creator"] in ("high", "low", "medium", "xhigh", "max")]
    assert len(high) == 174
    assert {model_key_modelslab(r["model_id"], r["creator"]) for r in high} == {
        "openai/gpt-image-2", "openai/gpt-image-2-edit", "openai/gpt-image-2.5-flare-edit",
        "openai/gpt-image-2.5-flare-text-to-image", "openai/gpt-image-2.5-sunburst-edit",
        "openai/gpt-image-2.5-sunburst-text-to-image"}
    routers = [r for r in rows if r["creator"] == "accounts"]
    assert len(routers) == 17
    assert {model_key_modelslab(r["model_id"], r["creator"]).split("/")[0] for r in routers} == {"fireworks"}


def test_sitegen_providers_agree_except_where_the_site_relabels_a_provider():
    """The site shows LiteLLM's vercel_ai_gateway entries under open_router and fal_ai's under
    modelslab; those are other companies, so their keys differ. Every other page's provider is its
    LiteLLM entry's provider."""
    rows = _sitegen_rows()
    pairs = {(r["provider"], r["litellm_provider"]) for r in rows}
    agree = {(p, lp) for p, lp in pairs if provider_key("modelslab", p) == provider_key("litellm", lp)}
    assert pairs - agree == {("open_router", "vercel_ai_gateway"), ("modelslab", "fal_ai")}
    assert sum((r["provider"], r["litellm_provider"]) in agree for r in rows) == 714


# --- normalisation and the length bound --------------------------------------------------------------

@pytest.mark.parametrize(("text", "key"), [
    ("meta-llama/llama-3.2-1b-instruct", "meta-llama/llama-3.2-1b-instruct"),
    ("  Meta-Llama/Llama-3.2-1B-Instruct\n", "meta-llama/llama-3.2-1b-instruct"),
    ("meta-llama//llama-3.2-1b-instruct", "meta-llama/llama-3.2-1b-instruct"),
    ("/meta-llama/llama-3.2-1b-instruct/", "meta-llama/llama-3.2-1b-instruct"),
    ("openai/gpt 4o  mini", "openai/gpt-4o-mini"),
    ("anthropic/claude-3-5-sonnet-20240620-v1:0", "anthropic/claude-3-5-sonnet-20240620-v1:0"),
    ("mistralai/codestral-2@001", "mistralai/codestral-2@001"),
    ("gpt-4o", None),
    ("a/b/c", None),
    ("/gpt-4o", None),
    ("a/", None),
    ("", None),
    ("qwen/qwen3\u201114b", None),
    ("qwen/-qwen3", None),
    ("qwen/qwen3,14b", None),
])
def test_normalise_key(text, key):
    assert normalise_key(text) == key


def test_keys_are_at_most_255_characters():
    longest = "c/" + "m" * 253
    assert normalise_key(longest) == longest
    assert normalise_key(longest + "m") is None
    assert model_key_modelslab("c-" + "m" * 253, "c") == longest
    assert model_key_modelslab("c-" + "m" * 254, "c") is None
    assert model_key_litellm("deepinfra/c/" + "m" * 254, "deepinfra") is None
    assert model_key_openrouter("c/" + "m" * 254, None, None) is None
    assert model_key_genai_prices("together", "c/" + "m" * 254) is None
    # a creator alias that lengthens a key past the bound: meta -> meta-llama
    assert model_key("meta/" + "m" * 250) is None


def test_model_key_applies_the_creator_spelling():
    assert model_key("DeepSeek-AI/DeepSeek-R1") == "deepseek/deepseek-r1"
    assert model_key("zai-org/GLM-4.6") == "z-ai/glm-4.6"
    assert model_key("meta-llama/llama-3.2-1b-instruct") == "meta-llama/llama-3.2-1b-instruct"


# --- the aliases file ----------------------------------------------------------------------------------

def test_the_packaged_aliases_file_is_read_once_and_is_canonical():
    aliases.cache_clear()
    try:
        model_key_litellm("fal_ai/gpt-image-2", "fal_ai")
        model_key_modelslab("modelslab-gpt-image-2", "modelslab")
        provider_key("modelslab", "open_router")
        assert aliases.cache_info().misses == 1
        table = aliases()
        assert table is aliases()
        assert table.models["litellm"]["fal_ai/gpt-image-2"] == "openai/gpt-image-2"
        assert table.creators["deepseek-ai"] == "deepseek"
        with pytest.raises(TypeError):
            table.creators["x"] = "y"  # type: ignore[index]
        # every target is already canonical: applying the rules again changes nothing
        for source_table in table.models.values():
            for target in source_table.values():
                assert model_key(target) == target
        for target in table.providers.values():
            assert provider_key("litellm", target) == target
    finally:
        aliases.cache_clear()


@pytest.mark.parametrize(("content", "message"), [
    ('["not", "an", "object"]', "must hold an object"),
    ('{"creator": {}}', "unknown section 'creator'"),
    ('{"creators": {"Meta": "meta-llama"}}', "'Meta' must be lowercase"),
    ('{"creators": {"meta": "meta-llama", "meta-llama": "llama"}}',
     "'meta-llama' is not a canonical creator"),
    ('{"creators": {"meta": 1}}', "creators must map names to strings"),
    ('{"models": {"litellm": ["a/b"]}}', "models.litellm must be an object"),
    ('{"models": {"litellm": {"x": "Openai/GPT-4o"}}}', "'Openai/GPT-4o' is not a canonical model key"),
    ('{"creators": {"meta": "meta-llama"}, "keys": {"a/b": "meta/c"}}',
     "'meta/c' is not a canonical model key"),
    ('{"keys": {"a/b": "c/d", "c/d": "e/f"}}', "'c/d' is not a canonical model key"),
    ('{"providers": {"together_ai": "together-ai"}}', "'together-ai' is not a provider key"),
    ('{"providers": {"a": "b", "b": "c"}}', "'b' is not a provider key"),
    ('{"families": {"claude": "Anthropic"}}', "'Anthropic' is not a canonical creator"),
    ('{"families": {"Claude": "anthropic"}}', "'Claude' must be lowercase"),
    ('{"routes": {"litellm": {"invoke": "bedrock_ai"}}}', "'bedrock_ai' is not a provider key"),
    ('{"routes": {"litellm": ["invoke"]}}', "routes.litellm must be an object"),
    ('{"models": {"litellm": {"x": "anthropic/claude-opus-4-6"}}}',
     "'anthropic/claude-opus-4-6' is not a canonical model key"),
])
def test_a_broken_aliases_file_is_refused_naming_the_entry(monkeypatch, content, message):
    monkeypatch.setattr(identity, "_aliases_text", lambda: content)
    aliases.cache_clear()
    try:
        with pytest.raises(ValueError, match=re.escape(message)):
            aliases()
    finally:
        monkeypatch.undo()
        aliases.cache_clear()


def test_the_aliases_file_ships_as_package_data():
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert 'catalog = ["py.typed", "data/*.json"]' in pyproject
    assert json.loads((Path(identity.__file__).parent / "data" / "aliases.json").read_text(encoding="utf-8"))


# --- properties: any text in, a canonical key or None out, never an exception -----------------------

IDENTIFIER = st.one_of(
    st.text(),
    st.text(alphabet="aB0-_./: @~*\t", max_size=40),
    st.from_regex(r"[a-zA-Z0-9_-]{0,12}(/[a-zA-Z0-9_.:@ -]{0,20}){0,4}", fullmatch=True),
)
MAYBE = st.one_of(st.none(), IDENTIFIER)


def _is_canonical(key: str | None) -> bool:
    return key is None or (
        KEY.fullmatch(key) is not None and key == key.lower() and key.count("/") == 1
        and len(key) <= 255 and model_key(key) == key
    )


@given(IDENTIFIER, MAYBE, MAYBE)
def test_every_model_key_function_gives_a_canonical_key_or_none(first, second, third):
    assert _is_canonical(normalise_key(first))
    assert _is_canonical(model_key(first))
    assert _is_canonical(model_key_modelslab(first, second))
    assert _is_canonical(model_key_litellm(first, second))
    assert _is_canonical(model_key_openrouter(first, second, third))
    assert _is_canonical(model_key_genai_prices(first, third or ""))


@given(st.sampled_from(["modelslab", "litellm", "openrouter", "genai-prices", "other"]), MAYBE)
def test_provider_key_gives_a_stable_slug_or_none(source, name):
    key = provider_key(source, name)
    assert key is None or (SLUG.fullmatch(key) and len(key) <= 255 and provider_key(source, key) == key)
