/* The floor: a static program that does nothing. bench/run execs it with the same stdin as the
 * hook, so the difference between the two is the hook's own work. */
int main(void)
{
        return 0;
}
