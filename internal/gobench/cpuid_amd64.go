package gobench

// cpuid runs the CPUID instruction with EAX and ECX set (cpuid_amd64.s).
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// brandString returns the processor's brand string, or "" where CPUID
// has no brand-string leaves.
func brandString() string {
	if maxExt, _, _, _ := cpuid(0x80000000, 0); maxExt < 0x80000004 {
		return ""
	}
	var regs [12]uint32
	for i, leaf := range []uint32{0x80000002, 0x80000003, 0x80000004} {
		regs[4*i], regs[4*i+1], regs[4*i+2], regs[4*i+3] = cpuid(leaf, 0)
	}
	return brandFromRegisters(regs)
}
