namespace Fluxo.Limits;

/// <summary>
/// Runs work that recurses over a program's structure (parsing, binding, compiling expressions and fn bodies) on a
/// thread with a large stack, so the size of a program that passed the front end's limits can never overflow
/// the caller's stack. An exception inside is rethrown to the caller.
/// </summary>
public static class LargeStack
{
    // The generated parser spends about 2.4 KB of stack per nesting level of unary operators; 1 GiB (reserved,
    // touched only as deep as a program goes) keeps the largest input the size limit admits well inside it.
    public const int Bytes = 1024 * 1024 * 1024;

    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = work();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            Bytes);
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return result;
    }
}
