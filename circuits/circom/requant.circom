pragma circom 2.1.0;

// Reference template for zkid's requantization (circuits/src/gadgets/requant.rs, rule in
// core/src/quant/requant.rs): q = floor((acc * M + 2^(s-1)) / 2^s), rounding halves toward
// +infinity (2.5 -> 3, -2.5 -> -2).

include "bits.circom";

// Input acc (a signed integer with |acc| <= 2^accBits), output q with
//     acc * M + 2^(s-1) = q * 2^s + r,   0 <= r < 2^s   (r range-checked to s bits).
// As in zkid, q is a hint pinned only modulo p / 2^s: the caller bounds it (zkid's clamp).
// accBits costs no constraint: it proves at compile time that acc * M + 2^(s-1) stays far
// from p/2 (so field and integer arithmetic agree), and is asserted on the witness, the
// precondition zkid's native rule enforces with its checked i64 arithmetic.
// Cost: s + 1 constraints; for s = 0, q = acc * M (zkid: a free linear combination).
template Requantize(M, s, accBits) {
    signal input acc;
    signal output q;
    assert(M >= 0 && s <= 62);
    assert(accBits + zkidBitsFor(M) + 2 < 250);
    assert(acc >= -(1 << accBits) && acc <= (1 << accBits));

    var half = s > 0 ? 1 << (s - 1) : 0;
    var t = acc * M + half;
    // Floor division of a signed t: circom's \ works on the field representative.
    q <-- t >= 0 ? t \ (1 << s) : -((-t + (1 << s) - 1) \ (1 << s));
    if (s == 0) {
        q === acc * M;
    } else {
        component r = RangeCheck(s);
        r.in <== acc * M + half - q * (1 << s);
    }
}
