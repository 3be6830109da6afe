pragma circom 2.1.0;

// Reference templates for zkid's bit gadgets (circuits/src/gadgets/bits.rs), built on
// circomlib's Num2Bits. Integers are signed: a field element above p/2 is the negative
// integer x - p, as in zkid (`fr_from_i64`) and in circom's comparison operators.
// Constraint counts are zkid's; see README.md for what circom's --O2 removes.

include "bitify.circom";

// Smallest n >= 1 with v < 2^n, for an integer v >= 0 (zkid's `bits_for`).
function zkidBitsFor(v) {
    var n = 1;
    while ((1 << n) <= v) {
        n++;
    }
    return n;
}

// zkid `decompose(x, n)`: enforces 0 <= in < 2^n and in = sum bits[i] 2^i, every bit boolean.
// A value outside [0, 2^n) fails witness generation (Num2Bits' sum check).
// Cost: n + 1 constraints (n booleanity, 1 sum).
template RangeCheck(n) {
    signal input in;
    signal output bits[n];
    assert(n >= 1 && n <= 200); // zkid's MAX_BITS: every decomposed integer stays far below p/2
    component n2b = Num2Bits(n);
    n2b.in <== in;
    bits <== n2b.out;
}

// zkid `is_nonneg(x, k)`: out = [in >= 0] for an integer -2^k <= in < 2^k (the top bit of
// the (k+1)-bit decomposition of in + 2^k). Other inputs fail. Cost: k + 2 constraints.
template IsNonNeg(k) {
    signal input in;
    signal output out;
    component n2b = Num2Bits(k + 1);
    n2b.in <== in + (1 << k);
    out <== n2b.out[k];
}

// zkid `is_zero(x)`: out = [in == 0]. Unlike circomlib's IsZero (2 constraints) it also
// enforces inv * out = 0, which pins the hint inv to 0 when in = 0, so no witness value is
// free. Cost: 3 constraints.
template IsZeroPinned() {
    signal input in;
    signal output out;
    signal inv;
    inv <-- in != 0 ? 1 / in : 0;
    out <-- in == 0 ? 1 : 0;
    in * inv === 1 - out;
    in * out === 0;
    out * inv === 0;
}

// zkid `in_range(x, lo, hi)`: enforces lo <= in <= hi exactly. Cost: 1 constraint when
// lo = hi; m + 1 when hi - lo + 1 = 2^m; else 2(m + 1) with m = bits(hi - lo).
template InRange(lo, hi) {
    signal input in;
    assert(lo <= hi);
    var span = hi - lo;
    var m = zkidBitsFor(span);
    if (span == 0) {
        in === lo;
    } else if (span + 1 == 1 << m) {
        component below = RangeCheck(m);
        below.in <== in - lo;
    } else {
        component below = RangeCheck(m);
        below.in <== in - lo;
        component above = RangeCheck(m);
        above.in <== hi - in;
    }
}
