package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// handPicked are the cases a reader would think of: upstream's own test strings, each corner of the
// scanner, rounding to 1n in both signs, the int64 fast path's limits, Go's int32 exponent wrap-around,
// the BinarySI cap and the texts Go echoes verbatim from String().
func handPicked() []string {
	upstream := []string{
		"-.", "-1.025Ti", "-9.01", ".", ".000000000001Ki", ".000000001Ki", ".000001Ki", ".0001k", ".001", ".001Ki",
		"0", "0.000000000001Ki", "0.0000000001", "0.0000000005", "0.00000000050", "0.00000012345", "0.00000012354",
		"0.00050k", "0.0005k", "0.001", "0.005", "0.00500", "0.025Ti", "0.05", "0.05000", "0.05Gi", "0.5",
		"0.50000", "0.5Mi", "0.5e-1", "0.5e-2", "0.5e-9", "0.5e0", "0.9n", "0G", "0Gi", "0Ki", "0M", "0Mi", "0T",
		"0Ti", "0k", "0m", "0n", "0u", "1", "1.", "1.01E", "1.025Ti", "1.1E-9", "1.1Ki", "1.2e3", "1.3E+6",
		"1.40e9", "1.53E12", "1.6e15", "1.7E18", "1.G", "10.035M", "100.035Ki", "100.035k", "10000T", "1000M",
		"100Ti", "100m", "1024Mi", "10Ti", "12E", "1E", "1E-3", "1E12", "1E18", "1E6", "1Gi", "1Ki", "1Mi",
		"1e13", "1e14", "1e15", "1e3", "1e9", "2.5P", "2Gi", "2Ki", "2P", "3.001n", "300.2T", "300T", "3Ei",
		"3m", "40.1T", "40T", "4Pi", "4u", "5.444T", "50k", "50m", "5T", "5Ti", "5n", "6.987654321G", "6G",
		"6Gi", "7.123456M", "7M", "7Mi", "8.1k", "8Ki", "8k", "9", "9.01", "9223372036854775807Ki", "9Ei",
		"1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ", "invalid",
	}
	scanner := []string{
		"", "-0", "+0", "00", "000", "-000", "-", "+", "+.", ".e3", "e3", "e-10", "-e-10", "+e-10", "-e5", "k",
		"Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "-Pi", "-Ti", "0Pi", "0Ei", ".Pi", ".Ti", "-.Ki", "n", "-n", "m", "E",
		"e", "-e", "1e", "1E", "1e+", "1e-", "1e+3", "1E+3", "1E-3", "1e0", "1e-0", "1e+0", "1e00003", "1e-00003",
		"1ee3", "1Ee3", "1eE3", "1EE3", "1e3e3", "1e3.5", "1.5e3", "1.e3", ".5e3", "1Ki5", "1ki", "1K", "1KI",
		"1kI", "1mi", "1mu", "1\t", "\t1", "1\n", "1,5", "1_000", "0x10", "0b1", "1/2", "∞", "１", "1µ", "1μ",
		"NaN", "Inf", "-Inf", "1.2.3", "--1", "+-1", "-+1", "++1", "1-", "1+", "1+5", "1-5", "1ii", "1Kii",
		"1e3i", "1ie3", "1Ki-3", "1Mi+", "1Ei3", "1Gi-", "1ke3", "1me-3", "1e-3m", "1.5.", "..5", "1..", ".-1",
		"1e--3", "1e+-3", "1e3+", "1M3", "1n3", "1u-3", "1ee", "ee", "Kii", "1 Ki", "1Ki ", "1e 3", "- 1",
		"1e9223372036854775807", "1e9223372036854775808", "1e-9223372036854775808", "1e-9223372036854775809",
		"1e99999999999999999999", "1e4294967296", "1e4294967295", "1e4294967297", "1e4294967287", "1e4294967286",
		"0e-2147483648", "0e2147483648", "0e2147483647", "-0e-2147483648", "0.5e4294967296", "5e4294967298",
		"1e2147483647", "1e2147483646", "-1e2147483647", "7e2147483645", "1e999", "1e1000", "1e1001", "-1e999",
		"0.001e1002", "0.001e1003", "12e998", "12e999", "1e-1000", "-1e-1000", "1e-99999", "1e-100",
		// Go computes scales in int32 and they wrap: scale -= int32(len(denom)) on the fast path,
		// amount.Scale() + int32(-exponent) on the slow one.
		"1.5e-2147483648", "-1.5e-2147483648", "1.05e-2147483647", "0.5e-2147483648", "1.5e2147483647",
		"1.5e2147483648", "1.5e4294967295", "12345678901234567890e4294967296", "12345678901234567890.5e4294967297",
		"1234567890123456789.5e-4294967295", "0.0000000001e-4294967296", "-0.0000000001e4294967296",
	}
	rounding := []string{
		"0.1n", "-0.1n", "0.5n", "-0.5n", "0.9n", "-0.9n", "1.5n", "-1.5n", "1.0000000001", "-1.0000000001",
		"0.000000001", "-0.000000001", "0.0000000001", "-0.0000000001", "1e-9", "-1e-9", "1e-10", "-1e-10",
		"15e-10", "-15e-10", "0.1u", "-0.0001u", "0.0000000000000000000001", "-0.0000000000000000000001",
		"1.0000000000000000000001", "-1.0000000000000000000001", "123.4567890123456789", "-123.4567890123456789",
		"0.0001Ki", "-0.0001Ki", "0.0009765625Ki", "-0.0009765625Ki", "0.00097656Ki", "0.0009765626Ki",
		"0.000000000001Mi", "0.5Ki", "1.5Ki", "1.1Ki", "-1.1Ki", "1.0001Ki", "0.999Ki", "1023.5", "1023.9Ki",
		"1.0009765625Ki", "1.00048828125Ki", "0.1Gi", "0.3Gi", "-0.3Gi", "1.5Gi", "2.5Ti", "0.75Ei",
		"0.9765625Ki", "-0.9765625Ki", "0.9990234375Ki", "0.999Ki", "1.0009765625Ki", "0.0009765625Mi",
	}
	limits := []string{
		"123456789012345678", "1234567890123456789", "-123456789012345678", "-1234567890123456789",
		"0.12345678901234567", "0.123456789012345678", "1.2345678901234567890", "12345678901234567.8",
		"999999999999999999", "999999999999999999n", "1234567890123456789n", "99999999999999999u",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"99999999999999999999999999999", "18446744073709551616", "9223372036854775807m", "9223372036854775807k",
		"1000E", "999E", "1001E", "1000000E", "1e21", "1e18", "1E18", "1e20", "10E", "100E", "9999E", "-1000E",
		"8Ei", "-8Ei", "7.99Ei", "7.999999999999999999Ei", "8191Pi", "8192Pi", "8193Pi", "-8192Pi", "16Ei",
		"9223372036854775807Ki", "-9223372036854775807Ki", "9223372036854775807", "9007199254740993Ki",
		"12345678901234Ki", "1234567890123Ki", "12345678901Ki", "1234567890Ki", "99999999999Ki", "999999999Mi",
		"9999999Gi", "99999Ti", "999Pi", "99Pi", "9Pi", "1Pi", "1Ei", "1023Pi", "1024Pi", "0.5Pi", "0.5Ei",
	}
	echoed := []string{
		"+5", "05", "005", "5.", "5.0", "1.500k", "1.50k", "1.5k", "100", "1000", "1100", "+5Ki", "05Ki", "8Ki",
		"9Ki", "16Ki", "17Ki", "+1024Ki", "1E3", "1000m", "1.000", "0.5", "0.500", "-1.500", "+1.500k", "1.e3",
		"2000m", "1536Mi", "4608Mi", "-1.", "+1.", "+0.5", "0.5k", "500.", "+1e3", "1e+3", "01e3", "1.0e3", "10e3", "100e3", "1000e3", "1e-3",
		"1e-4", "1000n", "1000u", "001m", "+100m", "1.000000000", "1.000000000000", "+1Gi", "-1Gi", "+1.5Gi",
	}
	var out []string
	for _, list := range [][]string{upstream, scanner, rounding, limits, echoed} {
		out = append(out, list...)
	}
	return out
}

// systematic crosses numbers, suffixes and signs.
func systematic() []string {
	numbers := []string{
		"0", "00", "1", "01", "7", "9", "10", "12", "100", "125", "999", "1000", "1001", "1023", "1024", "1025",
		"1536", "2048", "4096", "65536", "1048576", "0.5", ".5", "5.", "1.", "1.0", "1.5", "1.25", "2.5", "0.1",
		"0.01", "0.001", "0.0001", "0.000001", "0.000000001", "0.0000000001", "0.123456789", "0.1234567891",
		"1.000000001", "12.345", "1.5000", "123456789012345678", "1234567890123456789", "9223372036854775807",
		"9223372036854775808", "18446744073709551615", "12345678901234567890123", ".",
	}
	suffixes := []string{
		"", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
		"e0", "e1", "e2", "e3", "e-1", "e-2", "e-3", "e-9", "e-10", "e-12", "e6", "e9", "e12", "e18", "e19",
		"e21", "e+3", "E3", "E-3", "E+2", "E0", "e-0",
		"K", "ki", "mi", "Ki3", "e", "E+", "e3.0", "i", "Kib", "ee", "MM",
	}
	signs := []string{"", "+", "-"}
	var out []string
	for _, n := range numbers {
		for _, s := range suffixes {
			for _, sign := range signs {
				out = append(out, sign+n+s)
			}
		}
	}
	return out
}

// randomInputs builds strings from the grammar's pieces (mostly valid) and short strings over the
// grammar's alphabet (mostly invalid). Exponents stay within ±1100 on purpose: a nonzero value with a huge
// exponent on Go's inf.Dec path builds 10^|exponent| and would not finish.
func randomInputs(rng *rand.Rand) []string {
	var out []string
	for i := 0; i < 6000; i++ {
		out = append(out, grammarString(rng))
	}
	const alphabet = "0123456789.+-eEinumkKMGTPi xa"
	for i := 0; i < 2500; i++ {
		n := 1 + rng.IntN(8)
		var b strings.Builder
		for j := 0; j < n; j++ {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		out = append(out, b.String())
	}
	return out
}

func grammarString(rng *rand.Rand) string {
	var b strings.Builder
	switch r := rng.IntN(20); {
	case r < 3:
		b.WriteByte('-')
	case r < 5:
		b.WriteByte('+')
	}
	b.WriteString(strings.Repeat("0", pick(rng, []int{0, 0, 0, 0, 1, 2})))
	b.WriteString(digits(rng, pick(rng, []int{0, 1, 1, 2, 3, 3, 4, 6, 9, 12, 17, 18, 19, 20, 25})))
	if rng.IntN(2) == 0 {
		b.WriteByte('.')
		b.WriteString(digits(rng, pick(rng, []int{0, 1, 1, 2, 3, 4, 6, 9, 10, 12, 15})))
	}
	switch r := rng.IntN(10); {
	case r < 6:
		b.WriteString([]string{"", "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}[rng.IntN(17)])
	case r < 9:
		b.WriteString([]string{"e", "E"}[rng.IntN(2)])
		b.WriteString([]string{"", "", "-", "+"}[rng.IntN(4)])
		var exponent int
		switch s := rng.IntN(20); {
		case s < 16:
			exponent = rng.IntN(31)
		case s < 19:
			exponent = rng.IntN(401)
		default:
			exponent = rng.IntN(1101)
		}
		if rng.IntN(10) == 0 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.Itoa(exponent))
	default:
		b.WriteString([]string{"K", "ki", "mi", "Ki3", "e", "E+", "i", "Kib", "ee", "x", " ", "e3.5", "m3"}[rng.IntN(13)])
	}
	return b.String()
}

func digits(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(byte('0' + rng.IntN(10)))
	}
	return b.String()
}

func pick(rng *rand.Rand, choices []int) int { return choices[rng.IntN(len(choices))] }

// arithmeticPairs mixes random pairs with the ones that test Go's format rules: a zero of each family on the
// left (the result takes the right's format), equal values, and a value minus itself.
func arithmeticPairs(rng *rand.Rand, pool []string) [][2]string {
	zeros := []string{"0", "0Ki", "0e3", "0m", "-0", "0Gi"}
	out := [][2]string{
		// BinarySI results between -1024 and 1024 print as DecimalSI ("1k", not "1000").
		{"1Ki", "24"}, {"-1Ki", "-24"}, {"1Ki", "1"}, {"1Ki", "0.5"}, {"1Ki", "1m"}, {"1Mi", "1k"}, {"2Ki", "1048"},
		{"1Ki", "1Ki"}, {"0Ki", "1000"}, {"0", "1Ki"}, {"0Ki", "0.5"}, {"1e3", "24"}, {"1k", "24"},
		// beyond int64 (Go switches to inf.Dec) and beyond the Ei suffix.
		{"4Ei", "4Ei"}, {"8Ei", "8Ei"}, {"-8Ei", "8Ei"}, {"9223372036854775807", "1"}, {"1E", "999E"},
		{"999E", "1E"}, {"9223372036854775807n", "1n"}, {"-9223372036854775807n", "-2n"},
	}
	for i := 0; i < 2500; i++ {
		out = append(out, [2]string{pool[rng.IntN(len(pool))], pool[rng.IntN(len(pool))]})
	}
	for i := 0; i < 300; i++ {
		x := pool[rng.IntN(len(pool))]
		z := zeros[rng.IntN(len(zeros))]
		out = append(out, [2]string{z, x}, [2]string{x, z}, [2]string{x, x}, [2]string{x, negate(x)})
	}
	return out
}

func negate(s string) string {
	s = strings.TrimPrefix(s, "+")
	if strings.HasPrefix(s, "-") {
		return s[1:]
	}
	return "-" + s
}
