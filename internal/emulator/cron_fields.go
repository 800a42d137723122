package emulator

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Field parsing and validation of cron-utils 9.2.1 for the QUARTZ definition
// (jmrozanec/cron-utils@9.2.1: src/main/java/com/cronutils/parser/FieldParser.java,
// model/field/expression/visitor/ValidationFieldExpressionVisitor.java,
// StringValidations.java, model/field/constraint/FieldConstraintsBuilder.java).

// cronField is one field's FieldConstraints in the QUARTZ definition.
type cronField struct {
	start, end int
	strict     bool
	names      map[string]int
	special    map[string]bool // L, W, LW, HASH, QUESTION_MARK
	// wordsPattern and lwPattern are StringValidations' patterns for the
	// field's names and supported L/W/LW words.
	wordsPattern, lwPattern *regexp.Regexp
}

func newCronField(start, end int, strict bool, names map[string]int, special ...string) *cronField {
	f := &cronField{start: start, end: end, strict: strict, names: names, special: map[string]bool{}}
	for _, s := range special {
		f.special[s] = true
	}
	var words, lw []string
	for n := range names {
		words = append(words, n)
	}
	for _, s := range []string{"L", "LW", "W"} {
		if f.special[s] {
			lw = append(lw, s)
		}
	}
	f.wordsPattern = regexp.MustCompile(`\b(` + strings.Join(words, "|") + `)\b`)
	f.lwPattern = regexp.MustCompile(`\b(` + strings.Join(lw, "|") + `)\b`)
	return f
}

// quartzFields are seconds, minutes, hours, day of month, month, day of week
// and the optional year, as CronDefinitionBuilder.quartz() defines them:
// days of the week run from SUN=1 to SAT=7.
var quartzFields = []*cronField{
	newCronField(0, 59, false, nil),
	newCronField(0, 59, false, nil),
	newCronField(0, 23, false, nil),
	newCronField(1, 31, false, nil, "L", "W", "LW", "QUESTION_MARK"),
	newCronField(1, 12, false, map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
		"JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}),
	newCronField(1, 7, false, map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7},
		"HASH", "L", "QUESTION_MARK"),
	newCronField(1970, 2099, true, nil),
}

var (
	numsAndChars = regexp.MustCompile(`[#?/*0-9]`)
	whitespace   = regexp.MustCompile(`\s+`)
	digitL       = regexp.MustCompile(`[0-9]L`)
	digitW       = regexp.MustCompile(`[0-9]W`)
)

// removeValidChars is StringValidations.removeValidChars.
func (f *cronField) removeValidChars(exp string) string {
	s := numsAndChars.ReplaceAllString(strings.ToUpper(exp), "")
	s = f.wordsPattern.ReplaceAllString(s, "")
	s = f.lwPattern.ReplaceAllString(s, "")
	s = whitespace.ReplaceAllString(s, "")
	return strings.NewReplacer(",", "", "-", "").Replace(s)
}

// stringToInt maps a name or parses an integer (FieldParser.stringToInt);
// QUARTZ has no integer mappings, so mapToIntegerFieldValue is the same.
func (f *cronField) stringToInt(exp string) (int, *cronError) {
	if v, ok := f.names[exp]; ok {
		return v, nil
	}
	if n, err := strconv.ParseInt(exp, 10, 32); err == nil {
		return int(n), nil
	}
	return 0, cronErrorf("Invalid chars in expression! Expression: %s Invalid chars: %s", exp, f.removeValidChars(exp))
}

// cronValue is a FieldValue: an integer, or a special character by name.
type cronValue struct {
	n       int
	special string
}

func (v cronValue) String() string {
	if v.special != "" {
		return v.special
	}
	return strconv.Itoa(v.n)
}

// cronExpr is a FieldExpression. Kinds: "*", "?", "on", "between", "every",
// "and".
type cronExpr struct {
	kind     string
	time     int    // on
	special  string // on: NONE, HASH, W, L, LW
	nth      int    // on
	from, to cronValue
	inner    *cronExpr // every
	period   int       // every
	list     []*cronExpr
}

var (
	cronAlways   = &cronExpr{kind: "*"}
	cronQuestion = &cronExpr{kind: "?"}
)

func cronOn(time int, special string, nth int) *cronExpr {
	return &cronExpr{kind: "on", time: time, special: special, nth: nth}
}

func (x *cronExpr) asString() string {
	switch x.kind {
	case "on":
		switch x.special {
		case "NONE":
			return strconv.Itoa(x.time)
		case "HASH":
			return fmt.Sprintf("%d#%d", x.time, x.nth)
		case "W":
			if x.time == -1 {
				return "W"
			}
			return fmt.Sprintf("%dW", x.time)
		case "L":
			if x.time != -1 {
				return fmt.Sprintf("%dL", x.time)
			}
			if x.nth == -1 {
				return "L"
			}
			return fmt.Sprintf("L-%d", x.nth)
		}
		return x.special
	case "between":
		return x.from.String() + "-" + x.to.String()
	case "every":
		s := x.inner.asString()
		if s == "*" && x.period == 1 {
			return s
		}
		return fmt.Sprintf("%s/%d", s, x.period)
	case "and":
		parts := make([]string, len(x.list))
		for i, e := range x.list {
			parts[i] = e.asString()
		}
		return strings.Join(parts, ",")
	}
	return x.kind
}

// parse is CronParserField.parse and FieldParser.parse for one field.
func (f *cronField) parse(exp string, dayOfWeek bool) (*cronExpr, *cronError) {
	if dayOfWeek && strings.HasSuffix(exp, "L") {
		if v, ok := f.names[exp[:len(exp)-1]]; ok {
			exp = strconv.Itoa(v) + "L"
		}
	}
	return f.parseExpr(exp)
}

func (f *cronField) parseExpr(exp string) (*cronExpr, *cronError) {
	if !strings.ContainsAny(exp, "/-,") {
		if strings.Contains(exp, "?") && !f.special["QUESTION_MARK"] {
			return nil, cronErrorf("Invalid expression: %s", exp)
		}
		return f.noSpecialCharsNorStar(exp)
	}
	if array := javaSplit(exp, ","); len(array) > 1 {
		and := &cronExpr{kind: "and"}
		for _, part := range array {
			e, err := f.parseExpr(part)
			if err != nil {
				return nil, err
			}
			and.list = append(and.list, e)
		}
		return and, nil
	}
	splitted := javaSplit(exp, "-")
	if strings.Contains(exp, "-") && len(splitted) != 2 {
		return nil, cronErrorf("Missing values for range: %s", exp)
	}
	if strings.EqualFold(splitted[0], "L") {
		nth, err := f.stringToInt(splitted[1])
		if err != nil {
			return nil, err
		}
		return cronOn(-1, "L", nth), nil
	}
	if len(splitted) > 1 {
		return f.parseBetween(splitted)
	}
	values := javaSplit(exp, "/")
	switch len(values) {
	case 2:
		return f.asteriskOrEmpty(values[0], values[1])
	case 1:
		return nil, cronErrorf("Missing steps for expression: %s", exp)
	}
	return nil, cronErrorf("Invalid expression: %s", exp)
}

func (f *cronField) asteriskOrEmpty(start, value string) (*cronExpr, *cronError) {
	trimmed := strings.TrimSpace(start)
	if trimmed == "*" && value == "1" {
		return f.noSpecialCharsNorStar(start)
	}
	inner := cronAlways
	if trimmed != "*" && trimmed != "" {
		t, err := f.stringToInt(start)
		if err != nil {
			return nil, err
		}
		inner = cronOn(t, "NONE", -1)
	}
	period, err := parseJavaInt(value)
	if err != nil {
		return nil, err
	}
	return &cronExpr{kind: "every", inner: inner, period: period}, nil
}

func (f *cronField) noSpecialCharsNorStar(exp string) (*cronExpr, *cronError) {
	switch exp {
	case "*":
		return cronAlways, nil
	case "?":
		return cronQuestion, nil
	}
	return f.parseOn(exp)
}

// mapValue is FieldParser.map: a special character's name, else a number.
func (f *cronField) mapValue(s string) (cronValue, *cronError) {
	switch s {
	case "LW", "L", "W", "HASH", "QUESTION_MARK", "NONE":
		return cronValue{special: s}, nil
	}
	n, err := f.stringToInt(s)
	return cronValue{n: n}, err
}

func (f *cronField) parseBetween(array []string) (*cronExpr, *cronError) {
	if array[0] == "" || array[1] == "" {
		return nil, cronErrorf("Invalid expression! Expression: %s-%s does not describe a range. Negative numbers are not allowed.", array[0], array[1])
	}
	from, err := f.mapValue(array[0])
	if err != nil {
		return nil, err
	}
	if !strings.Contains(array[1], "/") {
		to, err := f.mapValue(array[1])
		if err != nil {
			return nil, err
		}
		return &cronExpr{kind: "between", from: from, to: to}, nil
	}
	every := javaSplit(array[1], "/")
	if len(every) == 0 {
		return nil, indexOutOfBounds(0, 0)
	}
	to, err := f.mapValue(every[0])
	if err != nil {
		return nil, err
	}
	if len(every) < 2 {
		return nil, indexOutOfBounds(1, len(every))
	}
	period, err := f.stringToInt(every[1])
	if err != nil {
		return nil, err
	}
	return &cronExpr{kind: "every", inner: &cronExpr{kind: "between", from: from, to: to}, period: period}, nil
}

func (f *cronField) parseOn(exp string) (*cronExpr, *cronError) {
	switch {
	case strings.Contains(exp, "#"):
		if !f.special["HASH"] {
			return nil, cronErrorf("Invalid expression: %s", exp)
		}
		array := javaSplit(exp, "#")
		if len(array) == 0 {
			return nil, cronErrorf("Invalid Position of # Character!")
		}
		if len(array) < 2 {
			return nil, indexOutOfBounds(1, len(array))
		}
		nth, err := f.stringToInt(array[1])
		if err != nil {
			return nil, err
		}
		if array[0] == "" {
			return nil, cronErrorf("Time should be specified!")
		}
		t, err := f.stringToInt(array[0])
		if err != nil {
			return nil, err
		}
		return cronOn(t, "HASH", nth), nil
	case strings.Contains(exp, "LW"):
		if rest := strings.ReplaceAll(exp, "LW", ""); rest != "" {
			return nil, cronErrorf("Expected: LW, found: %s", rest)
		}
		return cronOn(-1, "LW", -1), nil
	case digitL.MatchString(exp) || strings.EqualFold(exp, "L"):
		t := -1
		if rest := strings.ReplaceAll(exp, "L", ""); rest != "" {
			var err *cronError
			if t, err = f.stringToInt(rest); err != nil {
				return nil, err
			}
		}
		return cronOn(t, "L", -1), nil
	case digitW.MatchString(exp):
		t, err := f.stringToInt(strings.ReplaceAll(exp, "W", ""))
		if err != nil {
			return nil, err
		}
		return cronOn(t, "W", -1), nil
	}
	t, err := f.stringToInt(exp)
	if err != nil {
		return nil, err
	}
	return cronOn(t, "NONE", -1), nil
}

// validate is ValidationFieldExpressionVisitor.
func (f *cronField) validate(x *cronExpr) *cronError {
	if rest := f.removeValidChars(x.asString()); rest != "" {
		return cronErrorf("Invalid chars in expression! Expression: %s Invalid chars: %s", x.asString(), rest)
	}
	inRange := func(v cronValue) *cronError {
		if v.special == "" && (v.n < f.start || v.n > f.end) {
			return cronErrorf("Value %d not in range [%d, %d]", v.n, f.start, f.end)
		}
		return nil
	}
	switch x.kind {
	case "and":
		for _, e := range x.list {
			if err := f.validate(e); err != nil {
				return err
			}
		}
	case "between":
		if err := inRange(x.from); err != nil {
			return err
		}
		if err := inRange(x.to); err != nil {
			return err
		}
		if x.from.special != "" && x.from.special != "L" || x.to.special != "" && x.to.special != "L" {
			return cronErrorf("No special characters allowed in range, except for 'L'")
		}
		if f.strict && x.from.special == "" && x.to.special == "" && x.from.n > x.to.n {
			return cronErrorf("Invalid range! [%d,%d]", x.from.n, x.to.n)
		}
	case "every":
		if err := f.validate(x.inner); err != nil {
			return err
		}
		if p := x.period; p <= 0 || p > f.end-f.start+1 || p > f.end {
			return cronErrorf("Period %d not in range [%d, %d]", p, f.start, f.end)
		}
	case "on":
		for _, v := range []int{x.time, x.nth} {
			if v != -1 {
				if err := inRange(cronValue{n: v}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
