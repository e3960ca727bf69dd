from tests.converted import main

main()
