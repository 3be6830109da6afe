pragma circom 2.1.0;

// Reference template for zkid's `poseidon_sponge` (circuits/src/poseidon/native.rs), the
// length-prefixed chain of circomlib Poseidon calls:
//     h = n; for each chunk c of up to 15 consecutive inputs (one empty chunk when n = 0):
//     h = Poseidon([h, c...]); out = h.
// Cost (circom --O2 and zkid alike): zkid's `sponge_cost(n)`, e.g. 1 -> 237, 17 -> 867, 31 -> 1455.

include "poseidon.circom";

template PoseidonChain(n) {
    signal input in[n];
    signal output out;
    var CHUNK = 15;
    var calls = n == 0 ? 1 : (n + CHUNK - 1) \ CHUNK;
    component h[calls];
    for (var c = 0; c < calls; c++) {
        var start = c * CHUNK;
        var len = n - start < CHUNK ? n - start : CHUNK;
        h[c] = Poseidon(1 + len);
        if (c == 0) {
            h[c].inputs[0] <== n;
        } else {
            h[c].inputs[0] <== h[c - 1].out;
        }
        for (var i = 0; i < len; i++) {
            h[c].inputs[1 + i] <== in[start + i];
        }
    }
    out <== h[calls - 1].out;
}
