pragma circom 2.1.0;

// Reference template for zkid's saturation (circuits/src/gadgets/clamp.rs).

include "bits.circom";

// out = clamp(in, lo, hi) for an integer in with |in| <= bound, the exact construction of
// zkid's `clamp`:
// * [-bound, bound] inside [lo, hi]: nothing to clamp; InRange(lo, hi), out = in.
// * otherwise, with k = bits(bound + max(|lo|, |hi|)), d = in - lo + 2^k is decomposed into
//   k + 1 bits (so lo - 2^k <= in < lo + 2^k, else witness generation fails) and
//   ge = [in >= lo] is its top bit; le = [in <= hi]; y = le (in - hi) + hi and
//   out = ge (y - lo) + lo.
//   - hi - lo + 1 = 2^m (every 8-bit range): le = [bits m..k-1 of d are all 0].
//     Cost: k + 7 constraints.
//   - else le is a second sign test, of hi - in. Cost: 2(k + 2) + 2 constraints.
template Clamp(lo, hi, bound) {
    signal input in;
    signal output out;
    assert(lo <= hi && bound >= 0);
    if (-bound >= lo && bound <= hi) {
        component range = InRange(lo, hi);
        range.in <== in;
        out <== in;
    } else {
        var absLo = lo < 0 ? -lo : lo;
        var absHi = hi < 0 ? -hi : hi;
        var k = zkidBitsFor(bound + (absLo > absHi ? absLo : absHi));
        var m = zkidBitsFor(hi - lo + 1) - 1;
        signal ge;
        signal le;
        if (hi - lo + 1 == 1 << m && m < k) {
            component d = RangeCheck(k + 1);
            d.in <== in - lo + (1 << k);
            ge <== d.bits[k];
            var high = 0;
            for (var i = m; i < k; i++) {
                high += d.bits[i];
            }
            component z = IsZeroPinned();
            z.in <== high;
            le <== z.out;
        } else {
            component aboveLo = IsNonNeg(k);
            aboveLo.in <== in - lo;
            ge <== aboveLo.out;
            component belowHi = IsNonNeg(k);
            belowHi.in <== hi - in;
            le <== belowHi.out;
        }
        signal y <== le * (in - hi) + hi;
        out <== ge * (y - lo) + lo;
    }
}
