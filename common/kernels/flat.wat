;; syncgrad's flat-vector kernels: Adam's update in float32, four elements at a time (every
;; holder of weights runs it: one process's optimizer, the star exchange's master, each replica
;; of the sharded exchange), the reducer's weighted sum, two at a time in f64x2, and the bf16
;; wire codec, four at a time. Every operation is the one the JS reference runs
;; (common/kernels/adam.ts, the reducer's loop, common/wire/codec.ts), in the same order and
;; rounding, so the results are bit-identical to it (tested).
;; Arguments are byte offsets of float32 vectors in the imported memory, and element counts.
;; `npm run kernels` compiles this file into flat-wasm.ts.
(module
  (memory (import "env" "memory") 1)

  ;; adam: wo, mo, vo ← Adam's step from w, m, v and the gradient g over n elements, in float32
  ;; as torch.optim.Adam computes it, four at a time:
  ;;   m' = b1·m + k1·g; v' = b2·v + (k2·g)·g; w' = w − (ss·m') / (√v'·ic2 + eps)
  ;; every operation rounded to float32, the constants too. ic2 = 1/c2: a multiply where torch
  ;; divides. At resnet18's 11.2 M elements the f64x2 form this replaced took 55 ms here; this
  ;; one 36 ms alone, 19 ms inside a training step (2-vCPU Xeon, 2026-12-08). The JS loop
  ;; (kernels/adam.ts) rounds each double result with Math.fround, which gives the same bits:
  ;; +, −, ×, ÷ and √ of floats, computed in double and rounded to float, are exact.
  (func (export "adam")
    (param $w i32) (param $m i32) (param $v i32) (param $g i32)
    (param $wo i32) (param $mo i32) (param $vo i32) (param $n i32)
    (param $ss f64) (param $ic2 f64) (param $b1 f64) (param $k1 f64) (param $b2 f64) (param $k2 f64) (param $eps f64)
    (local $i i32) (local $off i32) (local $quads i32)
    (local $gi v128) (local $mf v128) (local $vf v128)
    (local $SS v128) (local $IC2 v128) (local $B1 v128) (local $K1 v128) (local $B2 v128) (local $K2 v128) (local $EPS v128)
    (local.set $SS (f32x4.splat (f32.demote_f64 (local.get $ss))))
    (local.set $IC2 (f32x4.splat (f32.demote_f64 (local.get $ic2))))
    (local.set $B1 (f32x4.splat (f32.demote_f64 (local.get $b1))))
    (local.set $K1 (f32x4.splat (f32.demote_f64 (local.get $k1))))
    (local.set $B2 (f32x4.splat (f32.demote_f64 (local.get $b2))))
    (local.set $K2 (f32x4.splat (f32.demote_f64 (local.get $k2))))
    (local.set $EPS (f32x4.splat (f32.demote_f64 (local.get $eps))))
    (local.set $quads (i32.shr_u (local.get $n) (i32.const 2)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $quads)))
        (local.set $off (i32.shl (local.get $i) (i32.const 4)))
        (local.set $gi (v128.load (i32.add (local.get $g) (local.get $off))))
        (local.set $mf
          (f32x4.add
            (f32x4.mul (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $off))))
            (f32x4.mul (local.get $K1) (local.get $gi))))
        (local.set $vf
          (f32x4.add
            (f32x4.mul (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $off))))
            (f32x4.mul (f32x4.mul (local.get $K2) (local.get $gi)) (local.get $gi))))
        (v128.store (i32.add (local.get $mo) (local.get $off)) (local.get $mf))
        (v128.store (i32.add (local.get $vo) (local.get $off)) (local.get $vf))
        (v128.store (i32.add (local.get $wo) (local.get $off))
          (f32x4.sub
            (v128.load (i32.add (local.get $w) (local.get $off)))
            (f32x4.div
              (f32x4.mul (local.get $SS) (local.get $mf))
              (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vf)) (local.get $IC2)) (local.get $EPS)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loop)))
    ;; The last n mod 4 elements, one at a time.
    (local.set $i (i32.shl (local.get $quads) (i32.const 2)))
    (block $tail
      (loop $one
        (br_if $tail (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (call $adam1
          (i32.add (local.get $w) (local.get $off)) (i32.add (local.get $m) (local.get $off)) (i32.add (local.get $v) (local.get $off))
          (i32.add (local.get $g) (local.get $off)) (i32.add (local.get $wo) (local.get $off)) (i32.add (local.get $mo) (local.get $off))
          (i32.add (local.get $vo) (local.get $off))
          (local.get $SS) (local.get $IC2) (local.get $B1) (local.get $K1) (local.get $B2) (local.get $K2) (local.get $EPS))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $one))))

  ;; One element of adam, lane 0 of the same f32x4 arithmetic.
  (func $adam1
    (param $w i32) (param $m i32) (param $v i32) (param $g i32) (param $wo i32) (param $mo i32) (param $vo i32)
    (param $SS v128) (param $IC2 v128) (param $B1 v128) (param $K1 v128) (param $B2 v128) (param $K2 v128) (param $EPS v128)
    (local $gi v128) (local $mf v128) (local $vf v128)
    (local.set $gi (f32x4.splat (f32.load (local.get $g))))
    (local.set $mf (f32x4.add (f32x4.mul (local.get $B1) (f32x4.splat (f32.load (local.get $m)))) (f32x4.mul (local.get $K1) (local.get $gi))))
    (local.set $vf (f32x4.add (f32x4.mul (local.get $B2) (f32x4.splat (f32.load (local.get $v)))) (f32x4.mul (f32x4.mul (local.get $K2) (local.get $gi)) (local.get $gi))))
    (f32.store (local.get $mo) (f32x4.extract_lane 0 (local.get $mf)))
    (f32.store (local.get $vo) (f32x4.extract_lane 0 (local.get $vf)))
    (f32.store (local.get $wo)
      (f32x4.extract_lane 0
        (f32x4.sub
          (f32x4.splat (f32.load (local.get $w)))
          (f32x4.div
            (f32x4.mul (local.get $SS) (local.get $mf))
            (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vf)) (local.get $IC2)) (local.get $EPS)))))))

  ;; axpy: out ← fround(k·x) when $first, else fround(out + k·x), over n elements. Returns 1 if
  ;; any x is NaN or ±Inf (x − x ≠ 0), else 0: the reducer's finiteness check, in the same pass.
  (func (export "axpy") (param $out i32) (param $x i32) (param $n i32) (param $k f64) (param $first i32) (result i32)
    (local $i i32) (local $off i32) (local $pairs i32) (local $xv v128) (local $K v128) (local $bad v128) (local $r v128)
    (local.set $K (f64x2.splat (local.get $k)))
    (local.set $pairs (i32.shr_u (local.get $n) (i32.const 1)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
        (local.set $off (i32.shl (local.get $i) (i32.const 3)))
        (local.set $xv (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $off)))))
        (local.set $bad (v128.or (local.get $bad) (f64x2.ne (f64x2.sub (local.get $xv) (local.get $xv)) (f64x2.splat (f64.const 0)))))
        (local.set $r (f64x2.mul (local.get $K) (local.get $xv)))
        (if (i32.eqz (local.get $first))
          (then (local.set $r (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $out) (local.get $off)))) (local.get $r)))))
        (v128.store64_lane 0 (i32.add (local.get $out) (local.get $off)) (f32x4.demote_f64x2_zero (local.get $r)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loop)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $off (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 2)))
        (local.set $xv (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $off))))))
        (local.set $bad (v128.or (local.get $bad) (f64x2.ne (f64x2.sub (local.get $xv) (local.get $xv)) (f64x2.splat (f64.const 0)))))
        (local.set $r (f64x2.mul (local.get $K) (local.get $xv)))
        (if (i32.eqz (local.get $first))
          (then (local.set $r (f64x2.add (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $out) (local.get $off))))) (local.get $r)))))
        (f32.store (i32.add (local.get $out) (local.get $off)) (f32.demote_f64 (f64x2.extract_lane 0 (local.get $r))))))
    (v128.any_true (local.get $bad)))
  ;; fnv4: common/wire/flat.ts's checksum lanes over `quads` groups of four 32-bit words at p:
  ;; lane j ← (lane j ^ word 4i+j) · FNV prime, the lanes read from and written back to `state`
  ;; (16 bytes). i32.mul keeps the low 32 bits, as Math.imul does, so the lanes are the JS loop's.
  ;; Four scalar chains, not one i32x4 chain: each lane waits on its own multiply, and i32x4.mul
  ;; (vpmulld) takes 10 cycles on Intel against imul's 3. The vector loop took 16 ms at 16.2 M
  ;; floats on a 2-core Intel Xeon (Sapphire Rapids class, 2026-12-04), against 4.6 ms on the
  ;; AMD EPYC of 2026-12-03; this loop takes 11–13 ms on the Xeon (its loads and its multiply
  ;; chains do not fully overlap).
  (func (export "fnv4") (param $p i32) (param $quads i32) (param $state i32)
    (local $end i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local.set $a (i32.load offset=0 (local.get $state)))
    (local.set $b (i32.load offset=4 (local.get $state)))
    (local.set $c (i32.load offset=8 (local.get $state)))
    (local.set $d (i32.load offset=12 (local.get $state)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $quads) (i32.const 4))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $a (i32.mul (i32.xor (local.get $a) (i32.load offset=0 (local.get $p))) (i32.const 0x01000193)))
        (local.set $b (i32.mul (i32.xor (local.get $b) (i32.load offset=4 (local.get $p))) (i32.const 0x01000193)))
        (local.set $c (i32.mul (i32.xor (local.get $c) (i32.load offset=8 (local.get $p))) (i32.const 0x01000193)))
        (local.set $d (i32.mul (i32.xor (local.get $d) (i32.load offset=12 (local.get $p))) (i32.const 0x01000193)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $loop)))
    (i32.store offset=0 (local.get $state) (local.get $a))
    (i32.store offset=4 (local.get $state) (local.get $b))
    (i32.store offset=8 (local.get $state) (local.get $c))
    (i32.store offset=12 (local.get $state) (local.get $d)))

  ;; bf16_encode: the 16-bit brain float of each of n float32s at src, to dst: round to nearest even
  ;; on the dropped 16 bits, NaN kept a NaN, as common/wire/codec.ts's bf16.encode does.
  (func (export "bf16_encode") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32) (local $quads i32) (local $x v128) (local $r v128) (local $b i32)
    (local.set $quads (i32.shr_u (local.get $n) (i32.const 2)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $quads)))
        (local.set $x (v128.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 4)))))
        (local.set $r
          (v128.bitselect
            (v128.or (i32x4.shr_u (local.get $x) (i32.const 16)) (i32x4.splat (i32.const 0x40)))
            (i32x4.shr_u
              (i32x4.add (i32x4.add (local.get $x) (i32x4.splat (i32.const 0x7fff)))
                (v128.and (i32x4.shr_u (local.get $x) (i32.const 16)) (i32x4.splat (i32.const 1))))
              (i32.const 16))
            (i32x4.gt_u (v128.and (local.get $x) (i32x4.splat (i32.const 0x7fffffff))) (i32x4.splat (i32.const 0x7f800000)))))
        (v128.store64_lane 0 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 3))) (i16x8.narrow_i32x4_u (local.get $r) (local.get $r)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loop)))
    (local.set $i (i32.shl (local.get $quads) (i32.const 2)))
    (block $tail
      (loop $more
        (br_if $tail (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $b (i32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2)))))
        (i32.store16 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 1)))
          (select
            (i32.or (i32.shr_u (local.get $b) (i32.const 16)) (i32.const 0x40))
            (i32.shr_u (i32.add (i32.add (local.get $b) (i32.const 0x7fff)) (i32.and (i32.shr_u (local.get $b) (i32.const 16)) (i32.const 1))) (i32.const 16))
            (i32.gt_u (i32.and (local.get $b) (i32.const 0x7fffffff)) (i32.const 0x7f800000))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more))))

  ;; bf16_decode: n brain floats at src (16 bits each) to float32 at dst: the bits, shifted up.
  (func (export "bf16_decode") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32) (local $quads i32)
    (local.set $quads (i32.shr_u (local.get $n) (i32.const 2)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $quads)))
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 4)))
          (i32x4.shl (i32x4.extend_low_i16x8_u (v128.load64_zero (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 3))))) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loop)))
    (local.set $i (i32.shl (local.get $quads) (i32.const 2)))
    (block $tail
      (loop $more
        (br_if $tail (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (i32.shl (i32.load16_u (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 1)))) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more))))
)
