// Package truth checks concbench's harness against queueing theory: the
// measured numbers must agree with what theory says a known system does,
// within a tolerance that the run length justifies, or the harness has
// drifted. Its checks are tests behind the build tag truth (`make truth`,
// minutes of real time on the machine, so not part of `make test`); they
// write a summary of theory, measurement, tolerance and verdict to
// results/reference/truth/. This file holds the theory and the statistics
// they use, tested on every `make test`.
package truth

import (
	"math"
)

// PKResponse is the mean response time (wait plus service) of an M/G/1
// FIFO queue by the Pollaczek–Khinchine formula: arrivals at lambda per
// ns, service with mean es and second moment es2 (ns, ns²). It is +Inf
// for an unstable queue (lambda·es ≥ 1).
func PKResponse(lambda, es, es2 float64) float64 {
	rho := lambda * es
	if rho >= 1 {
		return math.Inf(1)
	}
	return es + lambda*es2/(2*(1-rho))
}

// MM1RelSE is the relative standard error of the mean response time of an
// M/M/1 queue at utilisation rho, estimated over a run of n service times
// (the run's length divided by the mean service time). It is Whitt's
// asymptotic variance of the time-average number in system, 2ρ(1+ρ)/(1−ρ)⁴
// in units of the mean service time (W. Whitt, "Planning queueing
// simulations", Management Science 35(11), 1989), divided by the run
// length and relative to the mean number in system ρ/(1−ρ); by Little's
// law the mean response time has the same relative error, plus that of the
// arrival count (1/(λT) for Poisson arrivals).
func MM1RelSE(rho, n float64) float64 {
	relL := math.Sqrt(2*(1+rho)/(rho*n)) / (1 - rho)
	arrivals := 1 / (rho * n) // λT = ρ·n arrivals
	return math.Sqrt(relL*relL + arrivals)
}

// MeanSE returns the mean of xs and its standard error, sd/√n with the
// sample standard deviation; the error is NaN for fewer than two values.
func MeanSE(xs []float64) (mean, se float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss/(n-1)) / math.Sqrt(n)
}

// BatchMeans returns the mean of xs, a correlated series (samples of a
// queue over time), and the standard error of that mean by the method of
// batch means: the series cut into k consecutive batches, whose means are
// nearly independent when each batch is long against the correlation time.
func BatchMeans(xs []float64, k int) (mean, se float64) {
	if k < 2 || len(xs) < k {
		return MeanSE(xs)
	}
	size := len(xs) / k
	means := make([]float64, k)
	for b := range k {
		var s float64
		for _, x := range xs[b*size : (b+1)*size] {
			s += x
		}
		means[b] = s / float64(size)
	}
	return MeanSE(means)
}

// StudentT995 is the 99.5th percentile of Student's t distribution with df
// degrees of freedom (a two-sided 99% interval), for df 1 to 10; beyond,
// the normal's 2.576.
func StudentT995(df int) float64 {
	table := []float64{63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169}
	if df >= 1 && df <= len(table) {
		return table[df-1]
	}
	return 2.576
}
