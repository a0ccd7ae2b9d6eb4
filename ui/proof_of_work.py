"""The browser side of the lookup challenge: a small Streamlit component (st.components.v2, our own code, nothing
loaded from elsewhere) that says what is happening, solves the ALTCHA v1 challenge with its own SHA-256 code
(plain JavaScript, much faster here than Web Crypto's one promise per digest), and hands the solution back to
Python, which then sends the visitor's lookup again."""

import streamlit as st

from core.platform.i18n import t

_JS = """
// SHA-256 in plain JavaScript: Web Crypto answers one digest per promise, about 25,000 a second here,
// twenty times slower than this loop (bench/lookup_guessing.py --browser measures both).
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);
const YIELD_EVERY = 20000;  // numbers tried between two pauses, so the page stays responsive

function compress(h, bytes, at) {  // one 64-byte block of `bytes` from `at` into the state h (Int32Array(8))
  for (let t = 0; t < 16; t++) {
    const i = at + t * 4;
    W[t] = (bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3];
  }
  for (let t = 16; t < 64; t++) {
    const x = W[t - 15], y = W[t - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
  }
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
}

async function solve(challenge, cancelled) {
  // SHA-256(salt + n): the salt's whole 64-byte blocks are hashed once; each n costs only the tail.
  const salt = new TextEncoder().encode(challenge.salt);
  const whole = salt.length >> 6;
  const start = new Int32Array(IV);
  for (let block = 0; block < whole; block++) compress(start, salt, block * 64);
  const rest = salt.subarray(whole * 64);
  const target = new Int32Array(8);
  for (let i = 0; i < 8; i++) target[i] = parseInt(challenge.challenge.slice(i * 8, i * 8 + 8), 16) | 0;
  const tail = new Uint8Array(128);
  const h = new Int32Array(8);
  for (let n = 0; n <= challenge.maxNumber; n++) {
    if (n % YIELD_EVERY === 0) {
      await new Promise((resume) => setTimeout(resume, 0));
      if (cancelled()) return null;
    }
    const digits = String(n);
    const length = rest.length + digits.length;
    const blocks = length + 9 > 64 ? 2 : 1;
    tail.fill(0);
    tail.set(rest);
    for (let i = 0; i < digits.length; i++) tail[rest.length + i] = digits.charCodeAt(i);
    tail[length] = 0x80;
    const bits = (whole * 64 + length) * 8;
    const end = blocks * 64;
    tail[end - 4] = bits >>> 24; tail[end - 3] = bits >>> 16; tail[end - 2] = bits >>> 8; tail[end - 1] = bits;
    h.set(start);
    compress(h, tail, 0);
    if (blocks === 2) compress(h, tail, 64);
    if (h[0] === target[0] && h[1] === target[1] && h[2] === target[2] && h[3] === target[3] &&
        h[4] === target[4] && h[5] === target[5] && h[6] === target[6] && h[7] === target[7]) {
      const { algorithm, signature } = challenge;
      return btoa(JSON.stringify({ algorithm, challenge: challenge.challenge, number: n, salt: challenge.salt,
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
