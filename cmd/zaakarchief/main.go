// Command zaakarchief keeps one dossier per zaak for organisations that work on it together,
// derives what may be destroyed and when, and archives what must be kept as MDTO packages.
//
// Every subcommand lives in its own file (cmd_*.go) as a *command: it parses its flags with
// pflag, builds the objects it needs and calls one method. Business rules live in the packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/pflag"
)

// command is one subcommand: its name (words separated by spaces, e.g. "agreement check"), a
// one-line summary, the usage of its arguments, its flags and what it runs.
type command struct {
	name    string
	summary string
	usage   string // arguments after the name, e.g. "FILE"
	// flags registers the command's flags on fs; may be nil.
	flags func(fs *pflag.FlagSet)
	// run does the work; args are the positional arguments after the flags.
	run func(ctx context.Context, env *environment, args []string) error
}

// environment is what a command reads and writes besides its flags.
type environment struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// usageError marks an error in how the command was called: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitCode reports why a command failed, for scripts: 1 for a failure, 2 for wrong usage.
func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

func commands() []*command {
	cmds := []*command{
		serveCommand(),
		agreementCheckCommand(),
		agreementShowCommand(),
		tokenCreateCommand(),
		tokenListCommand(),
		tokenRevokeCommand(),
		auditVerifyCommand(),
		selectielijstShowCommand(),
		exportCommand(),
		exportVerifyCommand(),
		retentionExplainCommand(),
		retentionOverrideCommand(),
		retentionProposeCommand(),
		retentionHoldAddCommand(),
		retentionHoldListCommand(),
		retentionHoldReleaseCommand(),
		retentionListShowCommand(),
		retentionListSubmitCommand(),
		retentionListReviewCommand(),
		retentionListRemoveCommand(),
		retentionListApproveCommand(),
		retentionListCancelCommand(),
		retentionListExecuteCommand(),
		retentionListCertificateCommand(),
		retentionListLogCommand(),
		archiveRunCommand(),
		archiveVerifyCommand(),
		archiveRunsCommand(),
		archiveCheckCommand(),
		archiveVerklaringCommand(),
		zgwSyncCommand(),
		zgwMapCommand(),
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &environment{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	err := run(ctx, env, os.Args[1:])
	stop()
	if err != nil {
		if !errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "zaakarchief: %v\n", oneLine(err))
			os.Exit(exitCode(err))
		}
	}
}

// oneLine keeps a CLI error to one line, as operators grep for it.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

// run finds the longest command name that prefixes args and runs it.
func run(ctx context.Context, env *environment, args []string) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			args = append(args[1:], "--help")
		} else {
			printHelp(env.stdout, cmds)
			return nil
		}
	}
	var found *command
	var rest []string
	for _, c := range cmds {
		words := strings.Fields(c.name)
		if len(words) <= len(args) && strings.Join(args[:len(words)], " ") == c.name {
			if found == nil || len(words) > len(strings.Fields(found.name)) {
				found, rest = c, args[len(words):]
			}
		}
	}
	if found == nil {
		if group, sub := groupOf(cmds, args); len(sub) > 0 {
			if slices.Contains(args, "--help") || slices.Contains(args, "-h") {
				printGroup(env.stdout, group, sub)
				return nil
			}
			printGroup(env.stderr, group, sub)
			return usageError{fmt.Sprintf("%s: kies een van de opdrachten hierboven", group)}
		}
		return usageError{fmt.Sprintf("unknown command %q; run 'zaakarchief help'", strings.Join(args, " "))}
	}
	fs := pflag.NewFlagSet(found.name, pflag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "%s\n\nUsage: zaakarchief %s [flags] %s\n\nFlags:\n%s", found.summary, found.name, found.usage, fs.FlagUsages())
	}
	if found.flags != nil {
		found.flags(fs)
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return usageError{fmt.Sprintf("%s: %v", found.name, err)}
	}
	return found.run(ctx, env, fs.Args())
}

// groupOf returns the words of args before the first flag, and the commands whose names start
// with them: 'zaakarchief zgw' names the group of 'zgw sync', 'zgw map' and so on.
func groupOf(cmds []*command, args []string) (string, []*command) {
	var words []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		words = append(words, a)
	}
	if len(words) == 0 {
		return "", nil
	}
	group := strings.Join(words, " ")
	var sub []*command
	for _, c := range cmds {
		if strings.HasPrefix(c.name, group+" ") {
			sub = append(sub, c)
		}
	}
	return group, sub
}

// printGroup lists the commands of a group, as help does for all.
func printGroup(w io.Writer, group string, sub []*command) {
	fmt.Fprintf(w, "Usage: zaakarchief %s COMMAND [flags] [args]\n\nCommands:\n", group)
	for _, c := range sub {
		fmt.Fprintf(w, "  %-27s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'zaakarchief %s COMMAND --help' for the flags of a command.\n", group)
}

func printHelp(w io.Writer, cmds []*command) {
	fmt.Fprintln(w, "zaakarchief keeps one dossier per zaak, decides retention and archives to MDTO packages.")
	fmt.Fprintln(w, "\nUsage: zaakarchief COMMAND [flags] [args]\n\nCommands:")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-27s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'zaakarchief COMMAND --help' for the flags of a command.")
}
