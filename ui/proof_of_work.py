"""The browser side of the lookup challenge: a small Streamlit component (st.components.v2, our own code, nothing
loaded from elsewhere) that says what is happening, solves the ALTCHA v1 challenge with the browser's own
SHA-256 (Web Crypto), and hands the solution back to Python, which then sends the visitor's lookup again."""

import streamlit as st

from core.i18n import t

_JS = """
const encoder = new TextEncoder();
const BATCH = 2000;  // digests in flight at once: Web Crypto is asynchronous, one at a time is slow

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function solve(challenge, cancelled) {
  for (let start = 0; start <= challenge.maxNumber; start += BATCH) {
    if (cancelled()) return null;
    const numbers = [];
    for (let n = start; n < start + BATCH && n <= challenge.maxNumber; n++) numbers.push(n);
    const digests = await Promise.all(numbers.map((n) =>
      crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n))));
    const found = digests.findIndex((d) => hex(d) === challenge.challenge);
    if (found >= 0) {
      const { algorithm, salt, signature } = challenge;
      return btoa(JSON.stringify({ algorithm, challenge: challenge.challenge, number: numbers[found], salt,
                                   signature }));
    }
  }
  return null;
}

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const status = parentElement.querySelector(".ghiseu-proof-of-work");
  const running = parentElement.__proofOfWork;
  if (running && running.signature === data.challenge.signature) return;
  if (running) running.cancel();
  let stop = false;
  parentElement.__proofOfWork = { signature: data.challenge.signature, cancel: () => { stop = true; } };
  status.textContent = data.checking;
  if (!(globalThis.crypto && crypto.subtle)) {
    status.textContent = data.unsupported;
    return;
  }
  solve(data.challenge, () => stop).then((payload) => {
    if (stop) return;
    if (payload) setTriggerValue("solution", payload);
    else status.textContent = data.unsupported;
  });
  return () => { stop = true; delete parentElement.__proofOfWork; };
}
"""

_HTML = '<p class="ghiseu-proof-of-work" role="status" aria-live="polite"></p>'
_CSS = """
.ghiseu-proof-of-work { margin: 0.25rem 0; padding: 0.75rem 1rem; border-radius: 0.5rem; color: var(--st-text-color);
    background: var(--st-secondary-background-color); font-family: var(--st-font); }
"""

# not in a shadow root, so the page's own text search and screen readers see the status like any other text
_solver = st.components.v2.component("ghiseu_proof_of_work", html=_HTML, js=_JS, css=_CSS, isolate_styles=False)


def solution(challenge: dict, key: str) -> str | None:
    """Shows the check and solves `challenge` in the browser; returns the solution on the run it arrives."""
    result = _solver(key=key, data={"challenge": challenge, "checking": t("challenge.required"),
                                    "unsupported": t("challenge.unsupported")},
                     on_solution_change=lambda: None)
    return getattr(result, "solution", None)
