/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Comparing lzo_decode() with lib/lzo on damaged streams, shared by the
 * kernel's test module (codec_test.c) and the host's harness
 * (tools/testing/codecs/codecs.c); each brings its own random numbers.
 */
#ifndef _LZO_DECODE_FUZZ_H_
#define _LZO_DECODE_FUZZ_H_

#include <linux/string.h>
#include <linux/types.h>

/* The verdicts of both decoders on a run of streams. */
struct lzo_fuzz_tally {
	unsigned long streams;
	unsigned long wrong;		/* ours did not give back the original */
	unsigned long both_ok;
	unsigned long both_fail;
	unsigned long only_ours_fails;
	unsigned long only_ref_fails;
	unsigned long outputs_differ;	/* both decoded, to different bytes */
};

static inline void lzo_fuzz_judge(struct lzo_fuzz_tally *t, bool ours_ok,
				  bool ref_ok, bool same_output)
{
	t->streams++;
	if (ours_ok && ref_ok) {
		t->both_ok++;
		t->outputs_differ += !same_output;
	} else if (!ours_ok && !ref_ok) {
		t->both_fail++;
	} else if (ref_ok) {
		t->only_ours_fails++;
	} else {
		t->only_ref_fails++;
	}
}

/*
 * One random change to a stream of @len bytes with @room bytes of space;
 * returns its new length.  @rnd(@rnd_state) gives the random numbers.
 */
static inline size_t lzo_fuzz_mutate(u8 *buf, size_t len, size_t room,
				     u32 (*rnd)(void *), void *rnd_state)
{
	size_t pos = len ? rnd(rnd_state) % len : 0;
	unsigned int n;

	switch (rnd(rnd_state) % 6) {
	case 0:		/* cut */
		return len ? rnd(rnd_state) % len : 0;
	case 1:		/* flip a bit */
		if (len)
			buf[pos] ^= 1 << (rnd(rnd_state) % 8);
		return len;
	case 2:		/* a few random bytes */
		for (n = 1 + rnd(rnd_state) % 4; n && len; n--)
			buf[rnd(rnd_state) % len] = rnd(rnd_state);
		return len;
	case 3:		/* a byte that often means "extend the length" */
		if (len)
			buf[pos] = rnd(rnd_state) % 2 ? 0 : 0xff;
		return len;
	case 4:		/* insert a byte */
		if (len + 1 > room)
			return len;
		memmove(buf + pos + 1, buf + pos, len - pos);
		buf[pos] = rnd(rnd_state);
		return len + 1;
	default:	/* delete a byte */
		if (!len)
			return 0;
		memmove(buf + pos, buf + pos + 1, len - pos - 1);
		return len - 1;
	}
}

#endif /* _LZO_DECODE_FUZZ_H_ */
