/* The helper's own formatter: %s %d %u %lu %llu and %%, nothing else.
 * libc's printf family would pull its floating-point and wide-character
 * code into the static binary, whose text both the monitor and init of
 * every sandbox keep resident. */
#include "helper/helper.h"

#include <stdarg.h>

struct out {
	char *buf;
	size_t size, len; /* len counts what would have been written */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_u(struct out *o, unsigned long long v)
{
	char digits[24];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		put(o, digits[--n]);
}

size_t fmt_vsn(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			for (const char *s = va_arg(ap, const char *); s && *s; s++)
				put(&o, *s);
			break;
		case 'd': {
			int d = va_arg(ap, int);
			if (d < 0)
				put(&o, '-');
			put_u(&o, d < 0 ? -(unsigned long long)d : (unsigned long long)d);
			break;
		}
		case 'u':
			put_u(&o, va_arg(ap, unsigned));
			break;
		case 'l':
			if (fmt[1] == 'l' && fmt[2] == 'u') {
				fmt += 2;
				put_u(&o, va_arg(ap, unsigned long long));
			} else if (fmt[1] == 'u') {
				fmt++;
				put_u(&o, va_arg(ap, unsigned long));
			}
			break;
		case '%':
			put(&o, '%');
			break;
		default: /* the format attribute keeps anything else out at build time */
			fmt--;
			put(&o, '%');
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

size_t fmt_sn(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsn(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

unsigned long fmt_ul(const char *s, const char **end)
{
	unsigned long v = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (unsigned long)(*s - '0');
	*end = s;
	return v;
}
