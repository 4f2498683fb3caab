// Command quantity-oracle writes test vectors for src/quantity.ts from k8s.io/apimachinery's own
// resource.Quantity: for each input string, what ParseQuantity accepts, the exact value, the format and
// String(); plus Add/Sub/Cmp of pairs, Mul by small integers and folds of Add. The output is deterministic
// (fixed seed, no maps iterated), so regenerating with the same apimachinery version gives the same file.
//
// Usage: go run . > ../fixtures/quantity-vectors.json   (see generate.sh)
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime/debug"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

const seed = 20261128

var longExponent = regexp.MustCompile(`[eE][+-]?[0-9]{5,}`)

// parseVector is one ParseQuantity call. Value is the exact value as "<integer mantissa>e<exponent>" with
// the mantissa's trailing zeros moved into the exponent ("15e8" is 1500000000, "1e-9" is 1n), so even
// values Go keeps as mantissa and exponent (1e2000000000) stay short.
type parseVector struct {
	Input     string `json:"input"`
	OK        bool   `json:"ok"`
	Error     string `json:"error,omitempty"`     // "format" | "suffix" | "numeric"
	Value     string `json:"value,omitempty"`     // exact value after Go's rounding
	Format    string `json:"format,omitempty"`    // q.Format after parsing
	String    string `json:"string,omitempty"`    // q.String() right after parsing (may echo the input)
	Canonical string `json:"canonical,omitempty"` // q.String() once the cached text is dropped
}

type pairVector struct {
	A         string `json:"a"`
	B         string `json:"b"`
	Cmp       int    `json:"cmp"`
	Add       string `json:"add"`
	AddValue  string `json:"addValue"`
	AddFormat string `json:"addFormat"`
	Sub       string `json:"sub"`
	SubValue  string `json:"subValue"`
	SubFormat string `json:"subFormat"`
}

type mulVector struct {
	A      string `json:"a"`
	By     int64  `json:"by"`
	Result string `json:"result"`
	Value  string `json:"value"`
	Format string `json:"format"`
}

type sumVector struct {
	Start  string   `json:"start"` // format of the zero the fold starts from
	Items  []string `json:"items"`
	Result string   `json:"result"`
	Value  string   `json:"value"`
	Format string   `json:"format"`
}

func main() {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	inputs := dedupe(append(append(handPicked(), systematic()...), randomInputs(rng)...))

	parses := make([]parseVector, 0, len(inputs))
	var pool []string // accepted inputs of modest size, for arithmetic
	for _, in := range inputs {
		v := parse(in)
		parses = append(parses, v)
		// Zeros written with an absurd exponent ("0e-2147483648") keep that scale inside Go, and Add would
		// then build 10^2147483648; arithmetic sticks to inputs with short exponents.
		if v.OK && len(v.Value) < 40 && modestExponent(v.Value) && !longExponent.MatchString(in) {
			pool = append(pool, in)
		}
	}

	pairs := make([]pairVector, 0, 4000)
	for _, p := range arithmeticPairs(rng, pool) {
		pairs = append(pairs, pair(p[0], p[1]))
	}
	muls := []mulVector{
		mul("1Ei", 1024), mul("1Ei", 1000), mul("1E", 1000), mul("999E", 2), mul("8Ei", 2), mul("1Ki", -1),
		mul("9223372036854775807", 10), mul("1536Mi", 3), mul("100m", 10), mul("1e3", 0), mul("1Gi", 0),
	}
	factors := []int64{0, 1, -1, 2, 3, -3, 7, 10, 1000, 1024, -1000000007}
	for i := 0; i < 1500; i++ {
		a := pool[rng.IntN(len(pool))]
		muls = append(muls, mul(a, factors[rng.IntN(len(factors))]))
	}
	var sums []sumVector
	formats := []resource.Format{resource.DecimalSI, resource.BinarySI, resource.DecimalExponent}
	for i := 0; i < 400; i++ {
		n := rng.IntN(6)
		items := make([]string, n)
		for j := range items {
			if rng.IntN(4) == 0 {
				items[j] = []string{"0", "0Ki", "0e3", "0m"}[rng.IntN(4)]
			} else {
				items[j] = pool[rng.IntN(len(pool))]
			}
		}
		sums = append(sums, sum(formats[rng.IntN(3)], items))
	}

	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	fmt.Fprintf(out, "{\n  \"generator\": \"test/quantity-oracle (go run .), seed %d\",\n", seed)
	fmt.Fprintf(out, "  \"apimachinery\": %q,\n", apimachineryVersion())
	writeList(out, "parse", parses, true)
	writeList(out, "pairs", pairs, true)
	writeList(out, "mul", muls, true)
	writeList(out, "sum", sums, false)
	fmt.Fprintln(out, "}")
}

// writeList writes one JSON value per line so that a regenerated file diffs line by line.
func writeList[T any](out *bufio.Writer, name string, items []T, more bool) {
	fmt.Fprintf(out, "  %q: [\n", name)
	for i, item := range items {
		b, err := json.Marshal(item)
		if err != nil {
			panic(err)
		}
		sep := ","
		if i == len(items)-1 {
			sep = ""
		}
		fmt.Fprintf(out, "    %s%s\n", b, sep)
	}
	if more {
		fmt.Fprintln(out, "  ],")
	} else {
		fmt.Fprintln(out, "  ]")
	}
}

func apimachineryVersion() string {
	info, ok := debug.ReadBuildInfo()
	if ok {
		for _, dep := range info.Deps {
			if dep.Path == "k8s.io/apimachinery" {
				return dep.Version
			}
		}
	}
	return "unknown"
}

func parse(in string) parseVector {
	q, err := resource.ParseQuantity(in)
	if err != nil {
		return parseVector{Input: in, Error: errorKind(err)}
	}
	str := q.DeepCopy()
	return parseVector{
		Input:     in,
		OK:        true,
		Value:     exactValue(q),
		Format:    string(q.Format),
		String:    str.String(),
		Canonical: canonical(q),
	}
}

func errorKind(err error) string {
	switch {
	case errors.Is(err, resource.ErrFormatWrong):
		return "format"
	case errors.Is(err, resource.ErrSuffix):
		return "suffix"
	case errors.Is(err, resource.ErrNumeric):
		return "numeric"
	}
	panic("unexpected error: " + err.Error())
}

// canonical is String() without the input text Go caches on parse: negating twice clears the cache and
// keeps the internal representation (int64 or inf.Dec) as it was.
func canonical(q resource.Quantity) string {
	c := q.DeepCopy()
	c.Neg()
	c.Neg()
	return c.String()
}

// exactValue renders the value as "<mantissa>e<exponent>" with no trailing zeros in the mantissa.
func exactValue(q resource.Quantity) string {
	c := q.DeepCopy()
	d := c.AsDec()
	if d.Sign() == 0 {
		return "0e0"
	}
	digits := d.UnscaledBig().String()
	trimmed := strings.TrimRight(digits, "0")
	exponent := -int64(d.Scale()) + int64(len(digits)-len(trimmed))
	return fmt.Sprintf("%se%d", trimmed, exponent)
}

func modestExponent(value string) bool {
	var mantissa string
	var exponent int64
	i := strings.LastIndexByte(value, 'e')
	mantissa = value[:i]
	fmt.Sscan(value[i+1:], &exponent)
	return len(mantissa) < 30 && exponent > -12 && exponent < 30
}

func pair(a, b string) pairVector {
	qa, qb := resource.MustParse(a), resource.MustParse(b)
	add := qa.DeepCopy()
	add.Add(qb)
	sub := qa.DeepCopy()
	sub.Sub(qb)
	return pairVector{
		A: a, B: b, Cmp: qa.Cmp(qb),
		Add: add.String(), AddValue: exactValue(add), AddFormat: string(add.Format),
		Sub: sub.String(), SubValue: exactValue(sub), SubFormat: string(sub.Format),
	}
}

func mul(a string, by int64) mulVector {
	q := resource.MustParse(a)
	q.Mul(by)
	return mulVector{A: a, By: by, Result: q.String(), Value: exactValue(q), Format: string(q.Format)}
}

func sum(start resource.Format, items []string) sumVector {
	total := resource.Quantity{Format: start}
	for _, item := range items {
		total.Add(resource.MustParse(item))
	}
	return sumVector{Start: string(start), Items: items, Result: total.String(), Value: exactValue(total), Format: string(total.Format)}
}

func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
